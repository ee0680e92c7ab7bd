package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.ServiceAccountRow;
import io.gatehouse.registry.ui.admin.AdminModel.ServiceAccounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.gatehouse.registry.ui.admin.AdminRequest.json;

/** Service accounts: create (the token shown once), rotate the token (the new one shown once), revoke, delete. */
final class ServiceAccountsPage extends Section {
    static final String PATH = "/admin/service-accounts";

    ServiceAccountsPage() {
        super(PATH, "Service accounts", "admin/service-accounts.jte", Set.of("create"));
    }

    @Override
    Object show(AdminRequest r, Frame frame) {
        r.ui().require(r.call(), "GET", "/service-accounts");
        Instant now = r.services().server().clock().instant();
        List<ServiceAccountRow> rows = new ArrayList<>();
        for (ServiceAccount a : r.services().auth().accounts().serviceAccounts()) {
            String state = a.revokedAt() != null ? "revoked " + Times.format(a.revokedAt())
                    : a.expiresAt() == null ? "active"
                    : a.activeAt(now) ? "active, expires " + Times.format(a.expiresAt()) : "expired " + Times.format(a.expiresAt());
            rows.add(new ServiceAccountRow(a.name(), a.description() == null ? "" : a.description(), a.systemAdmin(), state,
                    a.revokedAt() == null, a.createdBy(), Times.format(a.createdAt())));
        }
        return new ServiceAccounts(frame, rows);
    }

    @Override
    Done act(AdminRequest r, String action) {
        switch (action) {
            case "create" -> {
                String name = r.required("name", "a name");
                String days = r.form("expiresInDays");
                Object expires = days;
                try {
                    if (days != null) expires = Integer.valueOf(days);
                } catch (NumberFormatException e) {
                    // sent as typed: the API says what it needs
                }
                ApiResult created = r.act("POST", "/service-accounts", json("name", name, "description", r.form("description"),
                        "expiresInDays", expires, "systemAdmin", r.checked("systemAdmin")));
                return new Done("Service account " + name + " created. Its token is shown this once: copy it now.", token(created), PATH);
            }
            case "rotate" -> {
                String name = r.segment("name", "service account name");
                ApiResult rotated = r.act("POST", "/service-accounts/" + name + "/token", null);
                return new Done("New token for " + name + ": the old one no longer works. The new one is shown this once: copy it now.",
                        token(rotated), PATH);
            }
            case "revoke" -> {
                String name = r.segment("name", "service account name");
                r.act("DELETE", "/service-accounts/" + name, null);
                return new Done("Service account " + name + " revoked: its token no longer works.", PATH);
            }
            case "delete" -> {
                String name = r.segment("name", "service account name");
                r.act("DELETE", "/service-accounts/" + name, Map.of("purge", "true"), null);
                return new Done("Service account " + name + " deleted, with its grants, team memberships and ownerships.", PATH);
            }
            default -> throw new Invalid(null, "This form is not known here.");
        }
    }

    private static String token(ApiResult result) {
        return String.valueOf(((Map<?, ?>) result.body()).get("token"));
    }

    @Override
    String fieldOf(String action, String message) {
        return action.equals("create") ? Section.field(message, "description", "description", "expir", "expiresInDays", "name", "name") : null;
    }
}
