package io.gatehouse.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.AbortException;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.security.ACL;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns credential ids into the plain records the service layer takes. Secrets leave {@code Secret} only here, as
 * char[]; messages name the id, never the value.
 *
 * <p><b>Which registry credential a step uses, and where it is looked up</b> (one rule for builds and for the forms):
 * <ol>
 *   <li>the step's own {@code registryCredentialsId}, else</li>
 *   <li>the {@link io.gatehouse.jenkins.folder.GatehouseFolderProperty} of the nearest folder above the job that sets one, else</li>
 *   <li>the global one of Manage Jenkins → System → Gatehouse.</li>
 * </ol>
 * A step's or a folder's credential belongs to the pipeline's or the folder's owners, so it is resolved in the <em>job's</em> context with the run's
 * authentication ({@code CredentialsProvider.findCredentialById(id, type, run, requirements)}, credentials 1405
 * {@code CredentialsProvider.java} L894-940): Global-scoped credentials of Jenkins and of the folders above the job
 * (a folder's wins over Jenkins' for the same id), never System-scoped ones ({@code SystemCredentialsProvider}
 * L448-453 excludes SYSTEM scope for items). The global credential belongs to the administrator who set it on the
 * global page and is used by the plugin on the controller, so it is resolved where that page resolves it: in
 * Jenkins' own store as SYSTEM ({@code lookupCredentialsInItemGroup(type, Jenkins, SYSTEM2, requirements)}; System
 * <em>and</em> Global scope, L432-436), and a folder credential with the same id never replaces it. "Test connection"
 * and builds use this same lookup, so a credential that passes the test is the one builds use.
 * Both lookups carry the registry URL as a domain requirement ({@code URIRequirementBuilder}), so a credential
 * restricted to another host's domain is not offered nor used.
 */
public final class StepCredentials {
    private StepCredentials() {
    }

    /** The registry credential of one step run (see the class comment for the order and the scopes). */
    public static RegistryAuth registryAuth(String stepCredentialsId, GatehouseConfiguration config, Run<?, ?> run) throws AbortException {
        String url = config.getRegistryUrl();
        if (stepCredentialsId != null && !stepCredentialsId.isBlank()) {
            return runCredential(stepCredentialsId, run, url, "registryCredentialsId");
        }
        for (RegistryCredentialDefaults source : ExtensionList.lookup(RegistryCredentialDefaults.class)) {
            String id = source.registryCredentialsId(run.getParent());
            if (id != null) {
                return runCredential(id, run, url, "the folder's Gatehouse registry credential");
            }
        }
        return globalRegistryAuth(config.getCredentialsId(), url);
    }

    /** An upstream's or a step's credential, in the run's context: username/password or secret text; blank id means anonymous. */
    public static RegistryAuth registryAuth(String id, Run<?, ?> run) throws AbortException {
        if (id == null || id.isBlank()) {
            return RegistryAuth.ANONYMOUS;
        }
        return runCredential(id, run, null, "credentialsId");
    }

    private static RegistryAuth runCredential(String id, Run<?, ?> run, String url, String parameter) throws AbortException {
        List<DomainRequirement> requirements = requirements(url);
        StandardUsernamePasswordCredentials up = CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, run, requirements);
        if (up != null) {
            CredentialsProvider.track(run, up);
            return new RegistryAuth(up.getUsername(), up.getPassword().getPlainText().toCharArray());
        }
        StringCredentials token = CredentialsProvider.findCredentialById(id, StringCredentials.class, run, requirements);
        if (token != null) {
            CredentialsProvider.track(run, token);
            return new RegistryAuth(null, token.getSecret().getPlainText().toCharArray());
        }
        throw new AbortException(parameter + ": credentials '" + id + "' were not found, are not visible to this build (a step's"
                + " credentials must be Global-scoped, in Jenkins or a folder above the job), or are neither username/password nor secret text");
    }

    /**
     * The global credential, for builds and for "Test connection" alike: Jenkins' own credentials (System or Global
     * scope) looked up as SYSTEM, restricted by the registry URL's domain.
     */
    public static RegistryAuth globalRegistryAuth(String id, String registryUrl) throws AbortException {
        if (id == null || id.isBlank()) {
            return RegistryAuth.ANONYMOUS;
        }
        for (StandardCredentials c : CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2,
                requirements(registryUrl))) {
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
        throw new AbortException("The Gatehouse credentials '" + id + "' were not found among Jenkins' own username/password or secret"
                + " text credentials (System or Global scope, in a domain that matches the registry URL): fix Manage Jenkins → System → Gatehouse");
    }

    public static List<DomainRequirement> requirements(String registryUrl) {
        return registryUrl == null || registryUrl.isBlank() ? List.of() : URIRequirementBuilder.fromUri(registryUrl.trim()).build();
    }

    /** signImage: a secret file holding a PEM or cosign key, and an optional secret-text passphrase (the run's context). */
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
