package io.gatehouse.registry.ui.policies;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where each JSON path of a document starts, by line, in the text as the user typed it: the API names a problem by
 * its JSON path ({@code $.conditions.tag.pattern}), the form shows the line too. Paths are written as the policy
 * validator writes them ({@code $.a.b[0]}, {@code $['odd key']}). A document that stops being JSON part way keeps
 * the lines read until then.
 */
final class DocumentLines {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LAST_SEGMENT = Pattern.compile("(\\.[A-Za-z_][A-Za-z0-9_]*|\\[\\d+]|\\['(?:[^'\\\\]|\\\\.)*'])$");

    private final Map<String, Integer> lines = new HashMap<>();

    DocumentLines(String document) {
        try (JsonParser p = JSON.createParser(document)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) continue;
                lines.putIfAbsent(path(p.getParsingContext()), p.currentTokenLocation().getLineNr());
            }
        } catch (IOException | RuntimeException e) {
            // not (all) JSON: the API says where it stopped; what was read is still placed
        }
    }

    /** The line where {@code path} starts, or else where its nearest enclosing member starts; empty for the whole document. */
    OptionalInt line(String path) {
        String p = path;
        while (p != null && !p.equals("$")) {
            Integer l = lines.get(p);
            if (l != null) return OptionalInt.of(l);
            var m = LAST_SEGMENT.matcher(p);
            p = m.find() ? p.substring(0, m.start()) : null;
        }
        return OptionalInt.empty();
    }

    /** The path of the current token: a member's name, an element's index; a container just opened is where its parent says. */
    private static String path(JsonStreamContext ctx) {
        if (!ctx.hasPathSegment()) ctx = ctx.getParent();
        Deque<String> parts = new ArrayDeque<>();
        for (; ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
            if (ctx.inObject()) parts.addFirst(member(ctx.getCurrentName()));
            else parts.addFirst("[" + ctx.getCurrentIndex() + "]");
        }
        return "$" + String.join("", parts);
    }

    private static String member(String name) {
        if (name == null) return "";
        return IDENTIFIER.matcher(name).matches() ? "." + name : "['" + name.replace("'", "\\'") + "']";
    }
}
