// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Item.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;

public interface Item extends AccessControlled {
    // Not a compile-time constant in the real source either; null here, never read at run time from the stub.
    Permission CONFIGURE = null;
}
