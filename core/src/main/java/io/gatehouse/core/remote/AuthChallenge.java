package io.gatehouse.core.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge from a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"}.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    public boolean isBearer() {
        return scheme.equals("bearer");
    }

    public boolean isBasic() {
        return scheme.equals("basic");
    }

    public String param(String name) {
        return params.get(name);
    }

    /** Parses one header value, which may hold several challenges ({@code Basic realm="x", Bearer realm="y"}). */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> out = new ArrayList<>();
        if (header == null) return out;
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) i++;
            int start = i;
            while (i < n && header.charAt(i) != ' ' && header.charAt(i) != '=' && header.charAt(i) != ',') i++;
            String token = header.substring(start, i);
            if (token.isEmpty()) break;
            int j = i;
            while (j < n && header.charAt(j) == ' ') j++;
            if (j < n && header.charAt(j) == '=' && scheme != null) {
                // a parameter of the current challenge
                i = j + 1;
                while (i < n && header.charAt(i) == ' ') i++;
                String value;
                if (i < n && header.charAt(i) == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < n) i++;
                        sb.append(header.charAt(i++));
                    }
                    i++;
                    value = sb.toString();
                } else {
                    int vs = i;
                    while (i < n && header.charAt(i) != ',') i++;
                    value = header.substring(vs, i).strip();
                }
                params.put(token.toLowerCase(Locale.ROOT), value);
            } else {
                // a new scheme starts
                if (scheme != null) out.add(new AuthChallenge(scheme, params));
                scheme = token;
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) out.add(new AuthChallenge(scheme, params));
        return out;
    }
}
