package io.gatehouse.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.copy.TagFilter;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.registry.api.ApiException;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/v1/mirrors/{repo*}}. The upstream password lives only here, for the length of the
 * request: {@link #toString()} masks it, and nothing stores or logs it.
 *
 * @param upstream  the upstream repository, e.g. {@code docker.io/library/alpine} or {@code 127.0.0.1:5001/team/app}
 *                  (a tag or digest in it is ignored: the filter chooses tags)
 * @param plainHttp talk to the upstream over plain HTTP (loopback hosts always are)
 */
public record MirrorRequest(ImageReference upstream, TagFilter filter, List<Platform> platforms, boolean dryRun, String username,
                            String password, Boolean plainHttp) {

    static final int MAX_NEWEST = 10_000;

    public static MirrorRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.badRequest("the body must be a JSON object");
        String up = text(body, "upstream");
        if (up == null) throw ApiException.badRequest("'upstream' (the upstream repository, e.g. docker.io/library/alpine) is required");
        ImageReference ref;
        try {
            ref = ImageReference.parse(up);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("'upstream' is not a repository reference: " + e.getMessage());
        }
        String regex = text(body, "tags");
        String range = text(body, "versions");
        Integer newest = null;
        if (body.hasNonNull("newest")) {
            if (!body.get("newest").canConvertToInt() || body.get("newest").asInt() < 1 || body.get("newest").asInt() > MAX_NEWEST) {
                throw ApiException.badRequest("'newest' must be an integer from 1 to " + MAX_NEWEST);
            }
            newest = body.get("newest").asInt();
        }
        TagFilter filter;
        try {
            filter = TagFilter.of(regex, range, newest);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad tag filter: " + e.getMessage());
        }
        List<Platform> platforms = new ArrayList<>();
        JsonNode p = body.get("platforms");
        try {
            if (p != null && p.isTextual()) platforms.addAll(Platform.parseList(p.asText()));
            else if (p != null && p.isArray()) for (JsonNode e : p) platforms.add(Platform.parse(e.asText()));
            else if (p != null && !p.isNull()) throw new IllegalArgumentException("'platforms' must be a list or a comma-separated string");
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad platforms: " + e.getMessage());
        }
        boolean dryRun = body.path("dryRun").asBoolean(false);
        Boolean plain = body.hasNonNull("plainHttp") ? body.get("plainHttp").asBoolean() : null;
        String user = null;
        String pass = null;
        JsonNode cred = body.get("credentials");
        if (cred != null && !cred.isNull()) {
            if (!cred.isObject()) throw ApiException.badRequest("'credentials' must be {username, password}");
            user = text(cred, "username");
            pass = text(cred, "password");
            if (user == null || pass == null) throw ApiException.badRequest("'credentials' needs both username and password");
        }
        return new MirrorRequest(ref, filter, platforms, dryRun, user, pass, plain);
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw ApiException.badRequest("'" + field + "' must be a string");
        String s = n.asText().strip();
        return s.isEmpty() ? null : s;
    }

    /** The upstream repository without tag, e.g. {@code 127.0.0.1:5001/team/app}. */
    public String upstreamRepository() {
        return upstream.registry() + "/" + upstream.repository();
    }

    @Override
    public String toString() {
        return "MirrorRequest[upstream=" + upstreamRepository() + ", filter=" + filter + ", platforms=" + platforms + ", dryRun=" + dryRun
                + ", username=" + username + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
