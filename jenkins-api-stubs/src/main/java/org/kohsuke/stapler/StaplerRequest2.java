// Source: jenkinsci/stapler@1903.1905.ve5a_f469356f0 core/src/main/java/org/kohsuke/stapler/StaplerRequest2.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.kohsuke.stapler;

import java.util.List;
import net.sf.json.JSONObject;

// The real interface extends jakarta.servlet.http.HttpServletRequest; we call only the binding methods.
public interface StaplerRequest2 {
    void bindJSON(Object bean, JSONObject src);

    <T> List<T> bindJSONToList(Class<T> type, Object src);
}
