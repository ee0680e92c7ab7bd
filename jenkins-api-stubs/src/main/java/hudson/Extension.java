// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/Extension.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.java.sezpoz.Indexable;

// @Indexable exactly like the real one: it makes the real sezpoz processor write META-INF/annotations/hudson.Extension.
// The real dynamicLoadable() member (type YesNoMaybe) is left out: the plugin never sets it.
@Indexable
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD})
@Documented
public @interface Extension {
    double ordinal() default 0;

    boolean optional() default false;
}
