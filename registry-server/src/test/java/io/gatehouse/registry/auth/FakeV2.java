package io.gatehouse.registry.auth;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;
import java.util.Map;

/**
 * A stand-in for the registry's {@code /v2/} routes that only does what every registry route does first: ask
 * the access controller for the route's scope and answer its denial. {@code /v2/<name>/manifests/<ref>} needs
 * pull (push for PUT, delete for DELETE); {@code /v2/_catalog} filters a fixed list with mayRead. A repository
 * named {@code …/exists} "exists"; any other answers 404 NAME_UNKNOWN once allowed.
 */
final class FakeV2 extends Handler.Abstract {

    static final List<String> CATALOG = List.of("acme/app", "acme/exists", "acme/secret/exists", "public/exists", "other/exists");

    private final AccessController ac;

    FakeV2(AccessController ac) {
        this.ac = ac;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String addr = Request.getRemoteAddr(request);
        Scope scope;
        String repo = null;
        if (path.equals("/v2/")) {
            scope = Scope.base();
        } else if (path.equals("/v2/_catalog")) {
            scope = Scope.catalog();
        } else {
            int i = path.indexOf("/manifests/");
            if (i < 0) {
                HttpReplies.error(response, callback, 404, "NOT_FOUND", "no route", Map.of());
                return true;
            }
            repo = path.substring(4, i);
            String action = switch (request.getMethod()) {
                case "PUT" -> Scope.PUSH;
                case "DELETE" -> Scope.DELETE;
                default -> Scope.PULL;
            };
            scope = request.getMethod().equals("PUT") ? Scope.repository(repo, Scope.PULL, Scope.PUSH) : Scope.repository(repo, action);
        }
        Decision d = ac.authorize(auth, addr, scope);
        if (d instanceof Decision.Denied denied) {
            HttpReplies.denied(response, callback, denied);
            return true;
        }
        Principal p = ((Decision.Allowed) d).principal();
        if (scope.isBase()) {
            HttpReplies.json(response, callback, 200, Map.of(), Map.of());
        } else if (path.equals("/v2/_catalog")) {
            HttpReplies.json(response, callback, 200, Map.of("repositories", CATALOG.stream().filter(r -> ac.mayRead(p, r)).toList()), Map.of());
        } else if (repo.endsWith("/exists") || request.getMethod().equals("PUT")) {
            HttpReplies.json(response, callback, request.getMethod().equals("PUT") ? 201 : 200, Map.of("principal", p.name()), Map.of());
        } else {
            HttpReplies.error(response, callback, 404, "NAME_UNKNOWN", "repository name not known to registry", Map.of());
        }
        return true;
    }
}
