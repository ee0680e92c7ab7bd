package io.gatehouse.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns credential ids into the plain records the service layer takes. Run-scoped lookups go through
 * {@code CredentialsProvider.findCredentialById(id, type, run)} (which honours the run's authentication and
 * parameter expressions) and are tracked on the run (credential usage fingerprints). Secrets leave {@code Secret}
 * only here, as char[]; messages name the id, never the value.
 */
public final class StepCredentials {
    private StepCredentials() {
    }

    /** A username/password or a secret-text (token) credential; blank id means anonymous. */
    public static RegistryAuth registryAuth(String id, Run<?, ?> run) throws AbortException {
        if (id == null || id.isBlank()) {
            return RegistryAuth.ANONYMOUS;
        }
        StandardUsernamePasswordCredentials up = CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, run);
        if (up != null) {
            CredentialsProvider.track(run, up);
            return new RegistryAuth(up.getUsername(), up.getPassword().getPlainText().toCharArray());
        }
        StringCredentials token = CredentialsProvider.findCredentialById(id, StringCredentials.class, run);
        if (token != null) {
            CredentialsProvider.track(run, token);
            return new RegistryAuth(null, token.getSecret().getPlainText().toCharArray());
        }
        throw new AbortException("Credentials '" + id + "' were not found, are not visible to this build, "
                + "or are neither username/password nor secret text");
    }

    /** For the global "Test connection" button, where there is no run: system credentials of Jenkins itself. */
    public static RegistryAuth globalRegistryAuth(String id) throws AbortException {
        if (id == null || id.isBlank()) {
            return RegistryAuth.ANONYMOUS;
        }
        for (StandardCredentials c : CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2)) {
            if (!id.equals(c.getId())) {
                continue;
            }
            if (c instanceof StandardUsernamePasswordCredentials up) {
                return new RegistryAuth(up.getUsername(), up.getPassword().getPlainText().toCharArray());
            }
            if (c instanceof StringCredentials s) {
                return new RegistryAuth(null, s.getSecret().getPlainText().toCharArray());
            }
        }
        throw new AbortException("Credentials '" + id + "' not found among the global username/password or secret text credentials");
    }

    /** signImage: a secret file holding a PEM or cosign key, and an optional secret-text passphrase. */
    public static SigningKey signingKey(String keyId, String passphraseId, Run<?, ?> run) throws IOException {
        if (keyId == null || keyId.isBlank()) {
            throw new AbortException("signImage: keyCredentialsId is required");
        }
        FileCredentials file = CredentialsProvider.findCredentialById(keyId, FileCredentials.class, run);
        if (file == null) {
            throw new AbortException("Credentials '" + keyId + "' were not found, are not visible to this build, or are not a secret file");
        }
        CredentialsProvider.track(run, file);
        byte[] key;
        try (InputStream in = file.getContent()) {
            // A key file is a few hundred bytes; refuse anything absurd rather than reading it whole.
            key = in.readNBytes(64 * 1024 + 1);
        }
        if (key.length > 64 * 1024) {
            throw new AbortException("Credentials '" + keyId + "' hold more than 64 KiB: not a signing key");
        }
        char[] passphrase = null;
        if (passphraseId != null && !passphraseId.isBlank()) {
            StringCredentials p = CredentialsProvider.findCredentialById(passphraseId, StringCredentials.class, run);
            if (p == null) {
                throw new AbortException("Credentials '" + passphraseId + "' were not found or are not secret text");
            }
            CredentialsProvider.track(run, p);
            passphrase = p.getSecret().getPlainText().toCharArray();
        }
        return new SigningKey(file.getFileName(), key, passphrase);
    }
}
