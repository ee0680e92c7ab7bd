// Source: jenkinsci/plain-credentials-plugin@183.va_de8f1dd5a_2b_ src/main/java/org/jenkinsci/plugins/plaincredentials/FileCredentials.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import java.io.IOException;
import java.io.InputStream;

public interface FileCredentials extends StandardCredentials {
    String getFileName();

    InputStream getContent() throws IOException;
}
