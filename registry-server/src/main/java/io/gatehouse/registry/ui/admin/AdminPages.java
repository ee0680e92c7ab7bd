package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.ui.UiHandler;
import io.gatehouse.registry.ui.UiHandler.Answer;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.UiHandler.Html;
import io.gatehouse.registry.ui.UiHandler.Redirect;
import io.gatehouse.registry.ui.UiHandler.Refused;
import io.gatehouse.registry.ui.UiModel.Message;
import io.gatehouse.registry.ui.UiServices;
import io.gatehouse.registry.ui.admin.AdminModel.Frame;
import io.gatehouse.registry.ui.admin.AdminModel.Problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The administration pages under {@code /admin}: users, service accounts, organisations and teams, permissions, and a
 * repository's access settings (visibility, curators, gates). They are the system admin's, as the API's account
 * routes are: every request first needs what {@code GET /api/v1/users} needs, so anyone else gets the API's refusal
 * (a 403 page, no forms). Each change is a POST form (with the session's CSRF token, checked by {@link UiHandler})
 * that runs one management API route; on success it redirects to the page (POST/redirect/GET) with a status message,
 * and when the API refuses, the page is shown again with the API's message next to the field it is about.
 */
public final class AdminPages {
    /** Form fields shown again after a refused change: never a password. */
    private static final List<String> KEPT = List.of("name", "description", "expiresInDays", "org", "team", "principal",
            "owner", "target", "targetKind", "granteeKind", "grantee", "role", "repository", "visibility", "pullPolicy", "user");

    private final UiServices services;
    private final UiHandler ui;
    private final Flashes flashes = new Flashes();
    private final Map<String, Section> sections = new LinkedHashMap<>();

    public AdminPages(UiServices services, UiHandler ui) {
        this.services = services;
        this.ui = ui;
        for (Section s : List.of(new UsersPage(), new ServiceAccountsPage(), new OrgsPage(), new PermissionsPage(), new RepositoryAccessPage())) {
            sections.put(s.path(), s);
        }
    }

    public Answer route(Call c) {
        ui.require(c, "GET", "/users");
        String path = c.path().length() > 1 && c.path().endsWith("/") ? c.path().substring(0, c.path().length() - 1) : c.path();
        if (path.equals("/admin")) {
            if (c.post()) throw new Refused(405, "Not here", "This page does not take forms.");
            return new Redirect(UsersPage.PATH);
        }
        Section section = sections.get(path);
        if (section == null) throw UiHandler.notFound();
        AdminRequest r = new AdminRequest(c, services, ui);
        if (!c.post()) {
            Flashes.Flash f = flashes.take(c.sessionId());
            return page(r, section, new Frame(section.path(), f == null ? null : f.message(), f == null ? null : f.token(), Problem.NONE), 200);
        }
        String action = c.form("action") == null ? "" : c.form("action");
        Problem problem;
        int status;
        try {
            Section.Done done = section.act(r, action);
            flashes.put(c.sessionId(), new Flashes.Flash(new Message("ok", done.message()), done.token()));
            return new Redirect(done.location());
        } catch (ApiException e) {
            status = e.status();
            problem = new Problem(action, section.showsFields(action) ? section.fieldOf(action, e.getMessage()) : null, sentence(e.getMessage()), kept(c));
        } catch (Invalid e) {
            status = 400;
            problem = new Problem(action, section.showsFields(action) ? e.field() : null, e.getMessage(), kept(c));
        }
        Message message = new Message("error", problem.field() == null ? "Not changed: " + problem.message()
                : "Not changed: the form below says why.");
        return page(r, section, new Frame(section.path(), message, null, problem), status);
    }

    private Html page(AdminRequest r, Section s, Frame frame, int status) {
        return new Html(status, s.template(), ui.page(r.call(), s.title() + " · Administration", "admin"), s.show(r, frame));
    }

    private static Map<String, String> kept(Call c) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : KEPT) {
            String v = c.form(k);
            if (v != null) values.put(k, v);
        }
        return values;
    }

    /** The API's message as a sentence: capital first letter, full stop. */
    static String sentence(String message) {
        if (message == null || message.isBlank()) return "The registry refused this change.";
        String s = message.substring(0, 1).toUpperCase(Locale.ROOT) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
