package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.OrgView;
import io.gatehouse.registry.ui.admin.AdminModel.Orgs;
import io.gatehouse.registry.ui.admin.AdminModel.TeamView;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.gatehouse.registry.ui.admin.AdminRequest.json;

/** Organisations and teams: create and delete both, add and remove owners and team members. */
final class OrgsPage extends Section {
    static final String PATH = "/admin/orgs";

    OrgsPage() {
        super(PATH, "Organisations and teams", "admin/orgs.jte", Set.of("create-org", "create-team", "add-member", "add-owner"));
    }

    @Override
    Object show(AdminRequest r, Frame frame) {
        r.ui().require(r.call(), "GET", "/orgs");
        Accounts accounts = r.services().auth().accounts();
        List<OrgView> orgs = new ArrayList<>();
        List<String> teams = new ArrayList<>();
        for (String org : accounts.orgs()) {
            List<TeamView> views = new ArrayList<>();
            for (String team : accounts.teams(org)) {
                views.add(new TeamView(org, team, accounts.members(org, team)));
                teams.add(org + "/" + team);
            }
            orgs.add(new OrgView(org, accounts.owners(org), views));
        }
        return new Orgs(frame, orgs, teams, Principals.names(accounts));
    }

    @Override
    Done act(AdminRequest r, String action) {
        switch (action) {
            case "create-org" -> {
                String name = r.required("name", "a name");
                String owner = r.form("owner");
                r.act("POST", "/orgs", json("name", name, "owners", owner == null ? List.of() : List.of(owner)));
                return new Done("Organisation " + name + " created" + (owner == null ? "." : ", owned by " + owner + "."), PATH);
            }
            case "delete-org" -> {
                String org = r.segment("org", "organisation");
                r.act("DELETE", "/orgs/" + org, null);
                return new Done("Organisation " + org + " deleted, with its teams and organisation-level grants.", PATH);
            }
            case "add-owner", "remove-owner" -> {
                String org = r.segment("org", "organisation");
                String who = r.segment("principal", "user or service account");
                boolean add = action.equals("add-owner");
                r.act(add ? "PUT" : "DELETE", "/orgs/" + org + "/owners/" + who, null);
                return new Done(add ? who + " now owns " + org + "." : who + " no longer owns " + org + ".", PATH);
            }
            case "create-team" -> {
                String org = r.segment("org", "organisation");
                String name = r.required("name", "a team name");
                r.act("POST", "/orgs/" + org + "/teams", json("name", name));
                return new Done("Team " + org + "/" + name + " created.", PATH);
            }
            case "delete-team" -> {
                String org = r.segment("org", "organisation");
                String team = r.segment("team", "team");
                r.act("DELETE", "/orgs/" + org + "/teams/" + team, null);
                return new Done("Team " + org + "/" + team + " deleted, with its grants.", PATH);
            }
            case "add-member", "remove-member" -> {
                String qualified = r.required("team", "a team");
                int slash = qualified.indexOf('/');
                if (slash <= 0 || slash == qualified.length() - 1) throw new Invalid("team", "Choose a team (organisation/team).");
                String org = qualified.substring(0, slash);
                String team = qualified.substring(slash + 1);
                String who = r.segment("principal", "user or service account");
                boolean add = action.equals("add-member");
                r.act(add ? "PUT" : "DELETE", "/orgs/" + org + "/teams/" + team + "/members/" + who, null);
                return new Done(add ? who + " added to " + qualified + "." : who + " removed from " + qualified + ".", PATH);
            }
            default -> throw new Invalid(null, "This form is not known here.");
        }
    }

    @Override
    String fieldOf(String action, String message) {
        return switch (action) {
            case "create-org" -> Section.field(message, "user or service account", "owner", "organization", "name", "name", "name");
            case "create-team" -> Section.field(message, "organization", "org", "name", "name", "team", "name");
            case "add-member" -> Section.field(message, "user or service account", "principal", "team", "team");
            case "add-owner" -> Section.field(message, "user or service account", "principal", "organization", "org");
            default -> null;
        };
    }
}
