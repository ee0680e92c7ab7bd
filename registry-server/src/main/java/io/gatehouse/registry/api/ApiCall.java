package io.gatehouse.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.registry.auth.Principal;
import org.eclipse.jetty.util.Fields;

import java.util.Map;

/**
 * One authorized management API request as a handler sees it: who is calling (already checked against the
 * route's scope), the path parameters, the query, and the JSON body.
 */
public final class ApiCall {

    private final Principal principal;
    private final String remoteAddress;
    private final Map<String, String> pathParams;
    private final Fields query;
    private final byte[] body;
    private final ObjectMapper json;

    ApiCall(Principal principal, String remoteAddress, Map<String, String> pathParams, Fields query, byte[] body, ObjectMapper json) {
        this.principal = principal;
        this.remoteAddress = remoteAddress;
        this.pathParams = Map.copyOf(pathParams);
        this.query = query;
        this.body = body;
        this.json = json;
    }

    public Principal principal() {
        return principal;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public String path(String name) {
        String v = pathParams.get(name);
        if (v == null) throw new IllegalStateException("route has no path parameter " + name);
        return v;
    }

    /** A query parameter, or null. */
    public String query(String name) {
        return query.getValue(name);
    }

    public int queryInt(String name, int dflt) {
        String v = query(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter '" + name + "' must be an integer");
        }
    }

    /** The body as a JSON object; 400 when it is missing or not a JSON object. */
    public JsonNode json() {
        if (body.length == 0) throw ApiException.badRequest("a JSON body is required");
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) throw ApiException.badRequest("the body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            // where, so that a long document (a policy typed in a browser) can be fixed without counting characters
            var at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badRequest("the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("unreadable body");
        }
    }

    /** The body bound to a record or class; 400 with Jackson's reason when it does not fit. */
    public <T> T body(Class<T> type) {
        JsonNode n = json();
        try {
            return json.treeToValue(n, type);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid body: " + e.getOriginalMessage());
        }
    }

    /** A required string field of the JSON body. */
    public static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw ApiException.badRequest("field '" + field + "' (a non-empty string) is required");
        return v.asText();
    }

    /** An optional string field of the JSON body, or null. */
    public static String optText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.badRequest("field '" + field + "' must be a string");
        return v.asText();
    }

    public static Boolean optBool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw ApiException.badRequest("field '" + field + "' must be true or false");
        return v.asBoolean();
    }
}
