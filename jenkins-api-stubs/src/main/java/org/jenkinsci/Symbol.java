// Source: jenkinsci/lib-symbol-annotation@symbol-annotation-1.24 src/main/java/org/jenkinsci/Symbol.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jvnet.hudson.annotation_indexer.Indexed;

// @Indexed exactly like the real one: our build-time SymbolIndexProcessor (plugin-symbol-indexer) indexes it.
@Indexed
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface Symbol {
    String[] value();
}
