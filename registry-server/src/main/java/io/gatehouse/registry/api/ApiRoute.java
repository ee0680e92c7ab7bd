package io.gatehouse.registry.api;

import io.gatehouse.registry.auth.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One management API operation: an HTTP method, a path template relative to {@code /api/v1}, the scope the caller
 * must hold (computed from the path parameters, e.g. {@code repository:<repo>:admin}), and the handler.
 *
 * <p>Templates: {@code {name}} matches one path segment; {@code {name*}} matches one or more segments (repository
 * names contain slashes), e.g. {@code /repositories/{repo*}/permissions}. When several templates match a path the
 * one with the most literal characters wins, so {@code /repositories/{repo*}/permissions} beats
 * {@code /repositories/{repo*}} whatever the registration order.
 */
public record ApiRoute(String method, String path, Function<Map<String, String>, Scope> scope, ApiHandler handler, String summary) {

    @FunctionalInterface
    public interface ApiHandler {
        ApiResult handle(ApiCall call) throws Exception;
    }

    /**
     * A handler that reads the request body itself, as a stream (uploads that may be far larger than the router's
     * 1 MiB JSON limit). Register it with a cast: {@code router.add(m, path, scope, (StreamingHandler) (call, body) -> …, summary)}.
     */
    @FunctionalInterface
    public interface StreamingHandler extends ApiHandler {
        ApiResult handle(ApiCall call, java.io.InputStream body) throws Exception;

        @Override
        default ApiResult handle(ApiCall call) throws Exception {
            return handle(call, java.io.InputStream.nullInputStream());
        }
    }

    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9]*)(\\*?)}");

    public ApiRoute {
        if (!path.startsWith("/")) throw new IllegalArgumentException("route path must start with '/': " + path);
    }

    /** A route whose scope does not depend on the path. */
    public static ApiRoute of(String method, String path, Scope scope, ApiHandler handler, String summary) {
        return new ApiRoute(method, path, p -> scope, handler, summary);
    }

    /** The compiled matcher; built by the router once. */
    record Compiled(ApiRoute route, Pattern regex, List<String> names, int literalLength) {

        static Compiled of(ApiRoute r) {
            Matcher m = PARAM.matcher(r.path());
            StringBuilder regex = new StringBuilder("^");
            List<String> names = new ArrayList<>();
            int last = 0, literal = 0;
            while (m.find()) {
                String lit = r.path().substring(last, m.start());
                regex.append(Pattern.quote(lit));
                literal += lit.length();
                names.add(m.group(1));
                regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+?)");
                last = m.end();
            }
            String tail = r.path().substring(last);
            regex.append(Pattern.quote(tail)).append('$');
            literal += tail.length();
            return new Compiled(r, Pattern.compile(regex.toString()), names, literal);
        }

        Map<String, String> match(String path) {
            Matcher m = regex.matcher(path);
            if (!m.matches()) return null;
            Map<String, String> params = new java.util.LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) params.put(names.get(i), m.group(i + 1));
            return params;
        }
    }
}
