// Source: spring-projects/spring-security@6.3.4 (Maven Central org.springframework.security:spring-security-core:6.3.4:sources) core/src/main/java/org/springframework/security/core/Authentication.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.springframework.security.core;

import java.io.Serializable;
import java.security.Principal;

public interface Authentication extends Principal, Serializable {
}
