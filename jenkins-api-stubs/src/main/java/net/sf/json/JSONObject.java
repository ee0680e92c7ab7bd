// Source: jenkinsci/json-lib@json-lib-2.4-jenkins-8 src/main/java/net/sf/json/JSONObject.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package net.sf.json;

// The real class extends AbstractJSON and implements JSON, Map<String, Object>, Comparable; we only read one key.
public final class JSONObject {
    public JSONObject() {
    }

    public Object opt(String key) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
