package io.gatehouse.registry.ui.mirrors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.mirrors.MirrorModel.StartForm;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The "start a server-side mirror" form, as the body of {@code POST /api/v1/mirrors/{target}} (the call
 * {@code gatehouse mirror --server-side} makes), and the API's refusal placed back on the field it is about. The
 * password lives only here, for the request: it is never shown again ({@link #shown} leaves it out) nor logged
 * ({@link #toString()} masks it).
 */
record MirrorForm(String upstream, String target, String tags, String versions, String newest, String platforms,
                  boolean dryRun, boolean plainHttp, String username, String password) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static MirrorForm read(Call c) {
        return new MirrorForm(field(c, "upstream"), field(c, "target"), field(c, "tags"), field(c, "versions"), field(c, "newest"),
                field(c, "platforms"), c.form("dryRun") != null, c.form("plainHttp") != null, field(c, "username"), c.rawForm("password"));
    }

    static StartForm empty() {
        return new StartForm("", "", "", "", "", "", false, false, "", Map.of());
    }

    private static String field(Call c, String name) {
        String v = c.form(name);
        return v == null ? "" : v;
    }

    /** The target's problem before anything is asked of the API (an invalid name has no permissions to check), or null. */
    String targetProblem() {
        if (target.isEmpty()) return "Enter the repository to mirror into, e.g. mirror/alpine.";
        if (!RepositoryName.isValid(target)) {
            return "\"" + target + "\" is not a repository name: lowercase letters, digits and separators (. _ -) in path components, e.g. mirror/alpine.";
        }
        return null;
    }

    /** The API's body; empty fields are left out, for the API's defaults (and its own errors, such as an upstream missing). */
    byte[] body() {
        ObjectNode b = JSON.createObjectNode();
        if (!upstream.isEmpty()) b.put("upstream", upstream);
        if (!tags.isEmpty()) b.put("tags", tags);
        if (!versions.isEmpty()) b.put("versions", versions);
        if (!newest.isEmpty()) {
            try {
                b.put("newest", Integer.parseInt(newest));
            } catch (NumberFormatException e) {
                b.put("newest", newest); // the API's own message says what it must be
            }
        }
        if (!platforms.isEmpty()) b.put("platforms", platforms);
        if (dryRun) b.put("dryRun", true);
        if (plainHttp) b.put("plainHttp", true);
        if (!username.isEmpty() || !password.isEmpty()) {
            ObjectNode cred = b.putObject("credentials");
            if (!username.isEmpty()) cred.put("username", username);
            if (!password.isEmpty()) cred.put("password", password);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Which field an API refusal is about, by the field it names (MirrorRequest's messages); "" for the form as a whole. */
    static String fieldOf(ApiException e) {
        String m = e.getMessage();
        if (e.status() != 400) return "";
        if (m.startsWith("'upstream'")) return "upstream";
        if (m.startsWith("bad target")) return "target";
        if (m.startsWith("bad tag filter") || m.startsWith("'newest'") || m.startsWith("'tags'") || m.startsWith("'versions'")) return "filter";
        if (m.startsWith("bad platforms") || m.startsWith("'platforms'")) return "platforms";
        if (m.startsWith("'credentials'")) return "credentials";
        return "";
    }

    /** The form to show again: as typed, except the password. */
    StartForm shown(Map<String, String> errors) {
        return new StartForm(upstream, target, tags, versions, newest, platforms, dryRun, plainHttp, username, errors);
    }

    @Override
    public String toString() {
        return "MirrorForm[upstream=" + upstream + ", target=" + target + ", username=" + username + ", password=" + (password.isEmpty() ? "none" : "***") + "]";
    }
}
