package io.gatehouse.registry.ui.admin;

import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.trust.RepositoryGates;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.registry.ui.admin.AdminModel.Curator;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.Gates;
import io.gatehouse.registry.ui.admin.AdminModel.GrantRow;
import io.gatehouse.registry.ui.admin.AdminModel.RepositoryAccess;
import io.gatehouse.registry.ui.admin.AdminModel.RepositoryRow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.gatehouse.registry.ui.admin.AdminRequest.json;

/**
 * A repository's access settings: its visibility, the curators of a restricted repository, its grants, and its gates
 * (protected, immutable tags, a pull policy). Settings may be made before the repository has content, as on the API.
 */
final class RepositoryAccessPage extends Section {
    static final String PATH = "/admin/repositories";

    RepositoryAccessPage() {
        super(PATH, "Repository access", "admin/repository-access.jte", Set.of("visibility", "add-curator", "gates"));
    }

    @Override
    Object show(AdminRequest r, Frame frame) {
        r.ui().require(r.call(), "GET", "/repositories");
        Permissions permissions = r.services().auth().permissions();
        List<RepositoryRow> rows = new ArrayList<>();
        for (String name : permissions.configuredRepositories()) {
            rows.add(new RepositoryRow(name, permissions.visibility(name).wireName(), href(name)));
        }
        List<String> grantees = Principals.grantees(r.services().auth().accounts());
        // after a refused change, the repository of that form (when it is a name at all), else the one asked for
        String name = frame.problem().values().get("repository");
        if (name == null || !RepositoryName.isValid(name)) name = r.call().query("name");
        if (name == null) return new RepositoryAccess(frame, rows, null, false, null, List.of(), List.of(), null, List.of(), grantees);

        r.ui().require(r.call(), "GET", "/repositories/" + name + "/curators");
        List<Curator> curators = new ArrayList<>();
        for (String c : permissions.curators(name)) {
            int colon = c.indexOf(':');
            curators.add(new Curator(c.substring(0, colon), c.substring(colon + 1)));
        }
        List<GrantRow> grants = permissions.grantsOn(Grant.TargetKind.REPO, name).stream().map(PermissionsPage::row).toList();
        Trust trust = r.services().trustService();
        Gates gates = null;
        List<String> policies = List.of();
        if (trust != null) {
            r.ui().require(r.call(), "GET", "/repositories/" + name + "/gates");
            RepositoryGates.Settings s = trust.gates().get(name);
            gates = new Gates(s.protectedRepository(), s.immutableTags(), s.pullPolicy() == null ? null : s.pullPolicy().name());
            policies = trust.policies().names();
        }
        return new RepositoryAccess(frame, rows, name, r.services().content().repositoryExists(name),
                permissions.visibility(name).wireName(), curators, grants, gates, policies, grantees);
    }

    @Override
    Done act(AdminRequest r, String action) {
        String repo = r.required("repository", "a repository");
        String base = "/repositories/" + repo;
        switch (action) {
            case "visibility" -> {
                String v = r.required("visibility", "a visibility");
                r.act("PUT", base + "/visibility", json("visibility", v));
                return new Done(repo + " is now " + v + ".", href(repo));
            }
            case "add-curator" -> {
                String kind = r.required("granteeKind", "whom to add");
                String grantee = r.required("grantee", "a user, service account or team");
                r.act("PUT", base + "/curators", json("granteeKind", kind, "grantee", grantee));
                return new Done(grantee + " now curates " + repo + ".", href(repo));
            }
            case "remove-curator" -> {
                String kind = r.segment("granteeKind", "curator kind");
                String grantee = r.required("grantee", "a curator");
                r.act("DELETE", base + "/curators/" + kind + "/" + grantee, null);
                return new Done(grantee + " no longer curates " + repo + ".", href(repo));
            }
            case "gates" -> {
                r.act("PUT", base + "/gates", json("protected", r.checked("protected"), "immutableTags", r.checked("immutableTags"),
                        "pullPolicy", r.form("pullPolicy")));
                return new Done("Gates of " + repo + " saved.", href(repo));
            }
            default -> throw new Invalid(null, "This form is not known here.");
        }
    }

    static String href(String repo) {
        return PATH + "?name=" + URLEncoder.encode(repo, StandardCharsets.UTF_8);
    }

    @Override
    String fieldOf(String action, String message) {
        return switch (action) {
            case "visibility" -> "visibility";
            case "add-curator" -> "grantee";
            case "gates" -> Section.field(message, "policy", "pullPolicy");
            default -> null;
        };
    }
}
