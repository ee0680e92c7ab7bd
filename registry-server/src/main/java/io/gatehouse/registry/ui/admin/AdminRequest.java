package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.ui.UiHandler;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.UiServices;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request to an administration page: the form's fields, and {@link #act}, which makes a change by running the
 * management API's own route for it (after checking the session's principal holds that route's scope), so the
 * pages have no logic of their own about accounts and permissions.
 */
final class AdminRequest {
    private final Call call;
    private final UiServices services;
    private final UiHandler ui;

    AdminRequest(Call call, UiServices services, UiHandler ui) {
        this.call = call;
        this.services = services;
        this.ui = ui;
    }

    Call call() {
        return call;
    }

    UiServices services() {
        return services;
    }

    UiHandler ui() {
        return ui;
    }

    Principal principal() {
        return call.principal();
    }

    /** A field, stripped; null when empty. */
    String form(String name) {
        return call.form(name);
    }

    /** A password field exactly as typed (spaces count); empty when missing. */
    String password(String name) {
        String v = call.rawForm(name);
        return v == null ? "" : v;
    }

    boolean checked(String name) {
        return call.form(name) != null;
    }

    /** A field that must be filled in. */
    String required(String field, String what) {
        String v = form(field);
        if (v == null) throw new Invalid(field, "Enter " + what + ".");
        return v;
    }

    /** A field that becomes one segment of an API path: filled in, without '/'. */
    String segment(String field, String what) {
        String v = required(field, what);
        if (v.indexOf('/') >= 0) throw new Invalid(field, "A " + what + " has no '/'.");
        return v;
    }

    /** Checks that the principal may {@code method path} exactly as the API would, then runs the route. */
    ApiResult act(String method, String path, Map<String, String> query, Map<String, Object> body) {
        ApiRouter api = services.api();
        // a name no repository can have is the API's 400 for every caller, not the page's "not found"
        api.scopeFor(method, path).ifPresent(ApiRouter::requireValidName);
        ui.require(call, method, path);
        return api.invoke(call.principal(), call.address(), method, path, query, body);
    }

    ApiResult act(String method, String path, Map<String, Object> body) {
        return act(method, path, Map.of(), body);
    }

    /** A JSON object from name/value pairs; null values are left out. */
    static Map<String, Object> json(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
