// Source: jenkinsci/lib-annotation-indexer@annotation-indexer-1.17 src/main/java/org/jvnet/hudson/annotation_indexer/Indexed.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jvnet.hudson.annotation_indexer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

// Not on Maven Central (annotation-indexer >= 1.5), so declared here. The real validators() member is left out.
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.ANNOTATION_TYPE)
public @interface Indexed {
}
