package io.gatehouse.registry.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.GatehouseAccessController;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.ui.UiModel.ErrorPage;
import io.gatehouse.registry.ui.UiModel.Page;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's web interface at {@code /} (what neither {@code /v2}, {@code /api/v1}, {@code /auth} nor the
 * operational paths take): server-rendered HTML from precompiled JTE templates, readable without JavaScript.
 *
 * <p>Every page names the management API call it shows ({@link Pages}); before it runs, the scope of that API
 * route ({@code ApiRouter#scopeFor}) is checked for the session's principal by the registry's one access controller
 * ({@link GatehouseAccessController#authorizeSession}), so a page is refused exactly when the API call would be, and
 * a restricted repository answers 404 as on the API. Every POST carries the session's CSRF token (synchronizer
 * token); every answer carries a strict Content-Security-Policy (no inline script or style), nosniff, no framing
 * and no referrer leaving the registry.
 */
public final class UiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(UiHandler.class);
    static final String COOKIE = "gatehouse_session";
    private static final int MAX_FORM = 256 * 1024;
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final UiServices services;
    private final UiSessions sessions;
    private final TemplateEngine templates;
    private final Pages pages;

    public UiHandler(UiServices services, UiSessions sessions) {
        this.services = services;
        this.sessions = sessions;
        this.templates = TemplateEngine.createPrecompiled(ContentType.Html);
        this.pages = new Pages(services, this);
    }

    /** One request as the pages see it: who, their session, the query and (for POST) the form. */
    public static final class Call {
        final Request request;
        final Principal principal;
        final UiSessions.Session session;
        final Fields query;
        final Map<String, String> form;
        final String path;
        String setCookie;

        Call(Request request, Principal principal, UiSessions.Session session, Fields query, Map<String, String> form, String path) {
            this.request = request;
            this.principal = principal;
            this.session = session;
            this.query = query;
            this.form = form;
            this.path = path;
        }

        public String query(String name) {
            String v = query.getValue(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        public String form(String name) {
            String v = form.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        public String address() {
            return Request.getRemoteAddr(request);
        }

        public boolean post() {
            return "POST".equals(request.getMethod());
        }

        public Principal principal() {
            return principal;
        }

        public String path() {
            return path;
        }

        /** The session's id, or null when there is none. */
        public String sessionId() {
            return session == null ? null : session.id();
        }

        /** A form field exactly as sent (a document keeps its whitespace, a password its spaces), or "" when absent. */
        public String rawForm(String name) {
            return form.getOrDefault(name, "");
        }
    }

    /** What a page answers: HTML, a redirect, or bytes to download. */
    public sealed interface Answer {
    }

    public record Html(int status, String template, Page page, Object model) implements Answer {
    }

    public record Redirect(String location) implements Answer {
    }

    public record Download(String contentType, String fileName, byte[] body) implements Answer {
    }

    /** Thrown by a page to answer with an error page (or the sign-in redirect). */
    public static final class Refused extends RuntimeException {
        final int status;
        final String heading;

        public Refused(int status, String heading, String message) {
            super(message, null, false, false);
            this.status = status;
            this.heading = heading;
        }
    }

    public static Refused notFound() {
        return new Refused(404, "Not found", "There is nothing here, or you may not see it.");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        secureHeaders(response);
        if (path.startsWith("/static/")) {
            Static.serve(path.substring("/static/".length()), request, response, callback);
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
            write(response, callback, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        Call call = null;
        try {
            UiSessions.Session session = sessions.find(cookie(request)).orElse(null);
            Principal principal = Principal.ANONYMOUS;
            if (session != null) {
                Optional<Principal> p = sessions.principal(session);
                if (p.isEmpty()) session = null; // the account changed (password, disabled, deleted): signed out
                else principal = p.get();
            }
            Map<String, String> form = Map.of();
            if (method.equals("POST")) {
                form = readForm(request);
                // the synchronizer token: a POST without this session's token changes nothing
                if (session == null || !UiSessions.csrfMatches(session, form.get("_csrf"))) {
                    throw new Refused(403, "Refused", "This form has expired or did not come from this site (CSRF token missing or wrong). Reload the page and try again.");
                }
            }
            call = new Call(request, principal, session, Request.extractQueryParameters(request), form, path);
            Answer a = pages.route(call);
            send(call, a, request, response, callback);
        } catch (Refused r) {
            if (r.status == 401) {
                send(call, new Redirect("/login?next=" + java.net.URLEncoder.encode(localTarget(request), StandardCharsets.UTF_8)), request, response, callback);
            } else {
                send(call, errorPage(call, r.status, r.heading, r.getMessage()), request, response, callback);
            }
        } catch (RuntimeException e) {
            LOG.error("web interface {} {} failed", method, path, e);
            send(call, errorPage(call, 500, "Something went wrong", "The registry could not show this page; the error is in its log."), request, response, callback);
        }
        return true;
    }

    /** Checks that the caller may make the API call {@code method apiPath}; else throws what the API would answer. */
    public void require(Call c, String method, String apiPath) {
        Scope scope = services.api().scopeFor(method, apiPath)
                .orElseThrow(() -> new IllegalStateException("no API route " + method + " " + apiPath));
        if (Scope.REPOSITORY.equals(scope.type()) && !RepositoryName.isValid(scope.name())) throw notFound();
        Decision d = services.access().authorizeSession(c.principal, c.address(), scope);
        if (d instanceof Decision.Denied denied) {
            // A repository the caller cannot read at all (missing, hidden, or no grant) is "not found", whatever it is:
            // the API answers those alike too (401/403/404 by credentials, never by existence), so this tells nothing more.
            if (Scope.REPOSITORY.equals(scope.type()) && !c.principal.isAnonymous() && !services.access().mayRead(c.principal, scope.name())) {
                throw notFound();
            }
            switch (denied.status()) {
                case 401 -> throw new Refused(401, "Sign in", "Sign in to see this page.");
                case 404 -> throw notFound();
                case 429 -> throw new Refused(429, "Too many attempts", denied.message());
                default -> throw new Refused(403, "Not allowed", "Your account may not do this.");
            }
        }
    }

    /**
     * Makes the management API call {@code method apiPath} for the caller, as the API would for the same request:
     * first {@link #require} (refused exactly as the API refuses), then the route's own handler through
     * {@link io.gatehouse.registry.api.ApiRouter#invoke}. The API's errors ({@link io.gatehouse.registry.api.ApiException})
     * reach the page, which shows them on its form.
     */
    public io.gatehouse.registry.api.ApiResult callApi(Call c, String method, String apiPath, Fields query, byte[] body) {
        require(c, method, apiPath);
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        query.forEach(f -> params.put(f.getName(), f.getValue()));
        return services.api().invoke(c.principal, c.address(), method, apiPath, params, body);
    }

    /** Whether the caller may make the API call (to show or hide a button); never audited as a refusal. */
    public boolean may(Call c, String method, String apiPath) {
        Optional<Scope> scope = services.api().scopeFor(method, apiPath);
        if (scope.isEmpty()) return false;
        return scope.get().satisfiedBy(services.access().rules().allowed(c.principal, scope.get()));
    }

    public Page page(Call c, String title, String section) {
        UiSessions.Session s = c == null ? null : c.session;
        boolean signedIn = c != null && !c.principal.isAnonymous();
        return new Page(title, signedIn ? c.principal.name() : null, signedIn && c.principal.systemAdmin(),
                s == null ? "" : s.csrf(), section);
    }

    /** The session for a form shown to a visitor with none yet (the sign-in form): created, and its cookie set. */
    UiSessions.Session ensureSession(Call c) {
        if (c.session != null) return c.session;
        UiSessions.Session s = sessions.anonymous();
        c.setCookie = cookieValue(c.request, s.id());
        return s;
    }

    UiSessions sessions() {
        return sessions;
    }

    void signedIn(Call c, UiSessions.Session s) {
        c.setCookie = cookieValue(c.request, s.id());
    }

    void signedOut(Call c) {
        if (c.session != null) sessions.end(c.session.id());
        c.setCookie = COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure(c.request) ? "; Secure" : "");
    }

    private String cookieValue(Request request, String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Lax" + (secure(request) ? "; Secure" : "");
    }

    private boolean secure(Request request) {
        return request.isSecure() || services.tls();
    }

    private Html errorPage(Call c, int status, String heading, String text) {
        return new Html(status, "error.jte", page(c, heading, ""), new ErrorPage(status, heading, text));
    }

    private void send(Call call, Answer a, Request request, Response response, Callback callback) {
        if (call != null && call.setCookie != null) response.getHeaders().add(HttpHeader.SET_COOKIE, call.setCookie);
        if (a instanceof Redirect r) {
            response.getHeaders().put(HttpHeader.LOCATION, r.location());
            write(response, callback, 303, "text/plain; charset=utf-8", new byte[0]);
        } else if (a instanceof Download d) {
            response.getHeaders().put("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
            write(response, callback, 200, d.contentType(), d.body());
        } else if (a instanceof Html h) {
            byte[] body;
            try {
                body = render(h.template(), h.page(), h.model()).getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                LOG.error("web interface template {} failed", h.template(), e);
                body = "<!DOCTYPE html><title>Error</title><p>The registry could not show this page.</p>".getBytes(StandardCharsets.UTF_8);
                write(response, callback, 500, "text/html; charset=utf-8", body);
                return;
            }
            write(response, callback, h.status(), "text/html; charset=utf-8", "HEAD".equals(request.getMethod()) ? new byte[0] : body);
        }
    }

    String render(String template, Page page, Object model) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page);
        params.put("m", model);
        StringOutput out = new StringOutput(16 * 1024);
        templates.render(template, params, out);
        return out.toString();
    }

    static void secureHeaders(Response response) {
        var h = response.getHeaders();
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "same-origin");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    static void write(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The path and query to come back to after signing in. */
    private static String localTarget(Request request) {
        String q = request.getHttpURI().getQuery();
        return Request.getPathInContext(request) + (q == null ? "" : "?" + q);
    }

    /** A redirect target from a form: a path of this site only (no scheme, no //host, no backslash). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\") || next.startsWith("/login")) return "/";
        for (int i = 0; i < next.length(); i++) if (next.charAt(i) < 0x20) return "/";
        return next;
    }

    private static String cookie(Request request) {
        for (String header : request.getHeaders().getValuesList(HttpHeader.COOKIE)) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    private static Map<String, String> readForm(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_FORM + 1);
            if (body.length > MAX_FORM) io.gatehouse.registry.http.Errors.dropRest(in); // so the 413 page is read, not reset
        } catch (IOException e) {
            throw new Refused(400, "Bad request", "The form could not be read.");
        }
        if (body.length > MAX_FORM) throw new Refused(413, "Too large", "The form is larger than 256 KiB.");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return body.length == 0 ? Map.of() : Map.of("", "");
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "Bad request", "The form is not valid URL encoding.");
            }
        }
        return form;
    }
}
