package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.User;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.UserRow;
import io.gatehouse.registry.ui.admin.AdminModel.Users;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.gatehouse.registry.ui.admin.AdminRequest.json;

/** Users: create, disable or enable, make or stop being a system admin, set a new password, delete. */
final class UsersPage extends Section {
    static final String PATH = "/admin/users";

    UsersPage() {
        super(PATH, "Users", "admin/users.jte", Set.of("create", "password"));
    }

    @Override
    Object show(AdminRequest r, Frame frame) {
        r.ui().require(r.call(), "GET", "/users");
        List<UserRow> rows = new ArrayList<>();
        for (User u : r.services().auth().accounts().users()) {
            rows.add(new UserRow(u.name(), u.systemAdmin(), u.disabled(), Times.format(u.createdAt()), u.name().equals(r.principal().name())));
        }
        return new Users(frame, rows, Accounts.MIN_PASSWORD, Accounts.MAX_PASSWORD);
    }

    @Override
    Done act(AdminRequest r, String action) {
        switch (action) {
            case "create" -> {
                String name = r.required("name", "a user name");
                r.act("POST", "/users", json("name", name, "password", r.password("password"), "systemAdmin", r.checked("systemAdmin")));
                return new Done("User " + name + " created.", PATH);
            }
            case "password" -> {
                String name = r.segment("user", "user name");
                r.act("PATCH", "/users/" + name, json("password", r.password("password")));
                return new Done("New password set for " + name + ". Their sessions and tokens have ended.", PATH);
            }
            case "disable", "enable" -> {
                String name = r.segment("name", "user name");
                boolean disable = action.equals("disable");
                r.act("PATCH", "/users/" + name, json("disabled", disable));
                return new Done(disable ? "User " + name + " disabled: they can no longer sign in, and their tokens have ended."
                        : "User " + name + " enabled.", PATH);
            }
            case "make-admin", "remove-admin" -> {
                String name = r.segment("name", "user name");
                boolean admin = action.equals("make-admin");
                r.act("PATCH", "/users/" + name, json("systemAdmin", admin));
                return new Done(admin ? name + " is now a system admin." : name + " is no longer a system admin.", PATH);
            }
            case "delete" -> {
                String name = r.segment("name", "user name");
                r.act("DELETE", "/users/" + name, null);
                return new Done("User " + name + " deleted, with their grants, team memberships and ownerships.", PATH);
            }
            default -> throw new Invalid(null, "This form is not known here.");
        }
    }

    @Override
    String fieldOf(String action, String message) {
        return switch (action) {
            case "create" -> Section.field(message, "password", "password", "name", "name");
            case "password" -> Section.field(message, "password", "password", "user", "user");
            default -> null;
        };
    }
}
