// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/util/ListBoxModel.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.util;

import java.util.ArrayList;

public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    public static final class Option {
        public Option(String name, String value) {
        }
    }

    public ListBoxModel() {
    }

    public void add(String displayName, String value) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
