package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.GrantRow;
import io.gatehouse.registry.ui.admin.AdminModel.Permissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.gatehouse.registry.ui.admin.AdminRequest.json;

/**
 * Every grant, and forms to grant or revoke a role on a repository or on an organisation (every repository under
 * that prefix) to a user, a service account or a team.
 */
final class PermissionsPage extends Section {
    static final String PATH = "/admin/permissions";

    PermissionsPage() {
        super(PATH, "Permissions", "admin/permissions.jte", Set.of("grant"));
    }

    @Override
    Object show(AdminRequest r, Frame frame) {
        r.ui().require(r.call(), "GET", "/permissions");
        List<GrantRow> rows = new ArrayList<>();
        for (Grant g : r.services().auth().permissions().allGrants()) rows.add(row(g));
        Accounts accounts = r.services().auth().accounts();
        TreeSet<String> targets = new TreeSet<>(accounts.orgs());
        targets.addAll(r.services().auth().permissions().configuredRepositories());
        return new Permissions(frame, rows, List.copyOf(targets), Principals.grantees(accounts));
    }

    static GrantRow row(Grant g) {
        return new GrantRow(g.targetKind() == Grant.TargetKind.ORG ? "org" : "repository", g.target(), g.granteeKind().wireName(),
                g.grantee(), g.role().wireName());
    }

    @Override
    Done act(AdminRequest r, String action) {
        boolean org = "org".equals(r.form("targetKind"));
        String target = org ? r.segment("target", "organisation") : r.required("target", "a repository or organisation");
        String base = (org ? "/orgs/" : "/repositories/") + target + "/permissions";
        String what = (org ? "organisation " : "repository ") + target;
        switch (action) {
            case "grant" -> {
                String kind = r.required("granteeKind", "whom to grant to");
                String grantee = r.required("grantee", "a user, service account or team");
                String role = r.required("role", "a role");
                r.act("PUT", base, json("granteeKind", kind, "grantee", grantee, "role", role));
                return new Done(grantee + " now holds " + role + " on " + what + ".", PATH);
            }
            case "revoke" -> {
                String kind = r.segment("granteeKind", "grantee kind");
                String grantee = r.required("grantee", "a user, service account or team");
                r.act("DELETE", base + "/" + kind + "/" + grantee, null);
                return new Done(grantee + " no longer holds a role on " + what + ".", PATH);
            }
            default -> throw new Invalid(null, "This form is not known here.");
        }
    }

    @Override
    String fieldOf(String action, String message) {
        return action.equals("grant") ? Section.field(message, "grantee", "grantee", "no such user", "grantee", "no such team", "grantee",
                "repository", "target", "organization", "target", "role", "role") : null;
    }
}
