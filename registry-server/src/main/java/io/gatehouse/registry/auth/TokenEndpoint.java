package io.gatehouse.registry.auth;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token endpoint of Docker's token auth ({@code GET …/token?service=…&scope=…&scope=…} with optional Basic
 * credentials) and its OAuth2 form ({@code POST …/token}, {@code grant_type=password}, space-separated
 * {@code scope}). It grants, per requested scope, the intersection of the requested actions and those the caller
 * holds: a partial or empty grant is not an error (the registry refuses the request later, as the spec asks).
 * Handles any path ending in {@code /token}, so it works mounted at {@code /auth} or at the root.
 *
 * <p>Credentials are a password (or service-account token), as Basic or in the form, or none (anonymous). A bearer
 * token is refused with 401 and a Basic challenge: a token must never mint another (wider, or longer-lived) one.
 * There is no refresh flow ({@code grant_type=refresh_token} is unsupported); clients keep their password and ask
 * again. A {@code service} other than ours is refused with 400: that token would be for another registry.
 */
public final class TokenEndpoint extends Handler.Abstract {

    private static final int MAX_SCOPES = 64;
    /** A token form holds a few short fields and up to MAX_SCOPES scopes: these bounds leave room and no more. */
    private static final int MAX_FORM_FIELDS = 256;
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final Authenticator authenticator;
    private final AccessRules rules;
    private final TokenService tokens;

    public TokenEndpoint(Authenticator authenticator, AccessRules rules, TokenService tokens) {
        this.authenticator = authenticator;
        this.rules = rules;
        this.tokens = tokens;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.endsWith("/token") && !path.equals("token")) return false;
        String method = request.getMethod();
        String addr = Request.getRemoteAddr(request);
        try {
            if (HttpMethod.GET.is(method)) {
                Fields q = Request.extractQueryParameters(request);
                if (!ourService(q)) {
                    HttpReplies.error(response, callback, 400, "INVALID_REQUEST", wrongService(), Map.of());
                    return true;
                }
                List<String> scopes = new ArrayList<>();
                for (String v : values(q, "scope")) scopes.addAll(splitScopes(v));
                answer(request.getHeaders().get(HttpHeader.AUTHORIZATION), null, null, addr, scopes, false, response, callback);
            } else if (HttpMethod.POST.is(method)) {
                readForm(request, response, callback, addr);
            } else {
                HttpReplies.error(response, callback, 405, "UNSUPPORTED", "the token endpoint accepts GET and POST", Map.of("Allow", "GET, POST"));
            }
        } catch (IllegalArgumentException e) {
            HttpReplies.error(response, callback, 400, "INVALID_REQUEST", e.getMessage(), Map.of());
        } catch (RuntimeException e) {
            if (!io.gatehouse.registry.cluster.Faults.unavailable(e)) throw e;
            unavailable(response, callback, e);
        }
        return true;
    }

    /** The database did not answer (accounts, grants, throttling counts live there): 503, retry later. */
    private static void unavailable(Response response, Callback callback, RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(TokenEndpoint.class).warn("token request answered 503: {}", io.gatehouse.registry.cluster.Faults.describe(e));
        HttpReplies.error(response, callback, 503, "UNAVAILABLE", "the registry's database is unavailable for a moment; retry later",
                Map.of("Retry-After", Long.toString(io.gatehouse.registry.cluster.Faults.RETRY_AFTER.toSeconds())));
    }

    /**
     * Reads the OAuth2 form without holding a thread while its bytes arrive (a client dribbling a form byte by byte
     * would otherwise pin a server thread for as long as it likes), bounded in fields and bytes; the minimum request
     * data rate and the idle timeout end a slow one. The answer is worked out on a pool thread once the form is in:
     * checking a password is slow work, not for the thread that read the last bytes.
     */
    private void readForm(Request request, Response response, Callback callback, String addr) {
        FormFields.from(request, StandardCharsets.UTF_8, MAX_FORM_FIELDS, MAX_FORM_BYTES).whenCompleteAsync((f, failure) -> {
            try {
                if (failure != null) {
                    HttpReplies.error(response, callback, 400, "INVALID_REQUEST",
                            "the form could not be read: too large, too slow or malformed", Map.of("Connection", "close"));
                } else {
                    answerForm(f, request, response, callback, addr);
                }
            } catch (IllegalArgumentException e) {
                HttpReplies.error(response, callback, 400, "INVALID_REQUEST", e.getMessage(), Map.of());
            } catch (RuntimeException e) {
                if (io.gatehouse.registry.cluster.Faults.unavailable(e)) {
                    unavailable(response, callback, e);
                } else {
                    callback.failed(e);
                }
            }
        }, request.getComponents().getExecutor());
    }

    private void answerForm(Fields f, Request request, Response response, Callback callback, String addr) {
        if (!ourService(f)) {
            HttpReplies.json(response, callback, 400, Map.of("error", "invalid_request", "error_description", wrongService()), Map.of());
            return;
        }
        String grant = f.getValue("grant_type");
        List<String> scopes = new ArrayList<>();
        for (String v : values(f, "scope")) scopes.addAll(splitScopes(v));
        if (grant == null || grant.equals("password")) {
            String user = f.getValue("username");
            String pass = f.getValue("password");
            answer(request.getHeaders().get(HttpHeader.AUTHORIZATION), user, pass, addr, scopes, true, response, callback);
        } else {
            HttpReplies.json(response, callback, 400, Map.of("error", "unsupported_grant_type",
                    "error_description", "only grant_type=password is supported; use GET for the token flow"), Map.of());
        }
    }

    private void answer(String authorization, String formUser, String formPassword, String addr, List<String> rawScopes,
                        boolean oauth, Response response, Callback callback) {
        if (rawScopes.size() > MAX_SCOPES) throw new IllegalArgumentException("too many scopes (at most " + MAX_SCOPES + ")");
        List<Scope> requested = new ArrayList<>();
        for (String s : rawScopes) {
            try {
                requested.add(Scope.parse(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid scope '" + (s.length() > 100 ? s.substring(0, 100) + "…" : s) + "': " + e.getMessage());
            }
        }
        Authenticator.Result r;
        if (formUser != null || formPassword != null) {
            char[] pw = formPassword == null ? new char[0] : formPassword.toCharArray();
            try {
                r = authenticator.checkPassword(formUser == null ? "" : formUser, pw, addr, null);
            } finally {
                Arrays.fill(pw, '\0');
            }
        } else {
            r = authenticator.authenticateForToken(authorization, addr);
        }
        if (r instanceof Authenticator.Rejected rej) {
            Decision.Denied d = rej.denied();
            Map<String, String> headers = new LinkedHashMap<>(d.headers());
            if (d.status() == 401) headers.put("WWW-Authenticate", "Basic realm=\"" + tokens.service() + "\"");
            HttpReplies.error(response, callback, d.status(), d.errorCode(), d.message(), headers);
            return;
        }
        Principal p = ((Authenticator.Authenticated) r).principal();
        List<Scope> granted = grant(p, requested);
        TokenService.Issued t = tokens.issue(p, granted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", t.token());
        body.put("access_token", t.token());
        body.put("expires_in", t.expiresInSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(t.issuedAt()));
        if (oauth) body.put("scope", String.join(" ", granted.stream().map(Scope::toString).toList()));
        HttpReplies.json(response, callback, 200, body, Map.of());
    }

    /** Per resource, the requested actions the principal holds; resources with nothing held are left out. */
    List<Scope> grant(Principal p, List<Scope> requested) {
        Map<String, Scope> merged = new LinkedHashMap<>();
        for (Scope s : requested) {
            merged.merge(s.type() + ":" + s.name(), s, (a, b) -> {
                Set<String> u = new LinkedHashSet<>(a.actions());
                u.addAll(b.actions());
                return new Scope(a.type(), a.name(), u);
            });
        }
        List<Scope> out = new ArrayList<>();
        for (Scope s : merged.values()) {
            Set<String> held = rules.allowed(p, s);
            Set<String> give = new LinkedHashSet<>();
            for (String action : s.actions()) {
                if (held.contains(action) || held.contains(Scope.ALL)) give.add(action);
            }
            if (!give.isEmpty()) out.add(new Scope(s.type(), s.name(), give));
        }
        return out;
    }

    /** No {@code service} (lenient: some clients leave it out) or only ours. */
    private boolean ourService(Fields fields) {
        for (String s : values(fields, "service")) if (!s.equals(tokens.service())) return false;
        return true;
    }

    private String wrongService() {
        return "this token service issues tokens for service '" + tokens.service() + "' only";
    }

    private static List<String> values(Fields fields, String name) {
        List<String> v = fields.getValues(name);
        return v == null ? List.of() : v;
    }

    private static List<String> splitScopes(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.trim().split(" +")) if (!s.isEmpty()) out.add(s);
        return out;
    }
}
