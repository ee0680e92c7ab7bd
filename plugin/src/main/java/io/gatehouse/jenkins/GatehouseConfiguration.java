package io.gatehouse.jenkins;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.service.ConfigChecks;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.Durations;
import io.gatehouse.jenkins.service.GatehouseService;
import io.gatehouse.jenkins.service.GatehouseServiceFactory;
import io.gatehouse.jenkins.service.ProxySettings;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins → System → Gatehouse: where the registry is, which credential Jenkins uses for it, TLS, default
 * timeouts and the named policies. Every property has a {@code @DataBoundSetter}, so the form and Configuration as
 * Code ({@code unclassified: gatehouse: ...}) bind the same way; each setter saves.
 */
@Extension
@Symbol("gatehouse")
public class GatehouseConfiguration extends GlobalConfiguration {
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;
    static final String DEFAULT_SCAN_TIMEOUT = "10m";

    private String registryUrl;
    private String credentialsId;
    private String caCertificate;
    private boolean insecure;
    private int connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
    private String scanTimeout = DEFAULT_SCAN_TIMEOUT;
    private List<NamedPolicy> policies = new ArrayList<>();
    private boolean publishPolicies;

    public GatehouseConfiguration() {
        load();
    }

    /** For unit tests: no XML file behind it. */
    GatehouseConfiguration(boolean loadFromDisk) {
        if (loadFromDisk) {
            load();
        }
    }

    public static GatehouseConfiguration get() {
        return ExtensionList.lookupSingleton(GatehouseConfiguration.class);
    }

    @Override
    public String getDisplayName() {
        return "Gatehouse";
    }

    public String getRegistryUrl() {
        return registryUrl;
    }

    @DataBoundSetter
    public void setRegistryUrl(String registryUrl) {
        this.registryUrl = trimToNull(registryUrl);
        save();
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trimToNull(credentialsId);
        save();
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = trimToNull(caCertificate);
        save();
    }

    public boolean isInsecure() {
        return insecure;
    }

    @DataBoundSetter
    public void setInsecure(boolean insecure) {
        this.insecure = insecure;
        save();
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    @DataBoundSetter
    public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds > 0 ? connectTimeoutSeconds : DEFAULT_CONNECT_TIMEOUT_SECONDS;
        save();
    }

    public String getScanTimeout() {
        return scanTimeout;
    }

    @DataBoundSetter
    public void setScanTimeout(String scanTimeout) {
        String v = trimToNull(scanTimeout);
        this.scanTimeout = v == null ? DEFAULT_SCAN_TIMEOUT : v;
        save();
    }

    public List<NamedPolicy> getPolicies() {
        return policies == null ? List.of() : List.copyOf(policies);
    }

    @DataBoundSetter
    public void setPolicies(List<NamedPolicy> policies) {
        this.policies = policies == null ? new ArrayList<>() : new ArrayList<>(policies);
        save();
    }

    public boolean isPublishPolicies() {
        return publishPolicies;
    }

    @DataBoundSetter
    public void setPublishPolicies(boolean publishPolicies) {
        this.publishPolicies = publishPolicies;
        save();
    }

    /**
     * The form's Save: validates the named policies as a whole and refuses the submission (nothing changed) with every
     * problem and where it is; then clears the list before binding. An empty repeatable sends no {@code policies} key
     * and {@code bindJSON} (what {@code GlobalConfiguration.configure} does) binds only the keys present, so without the
     * clear, deleting the last policy kept it. Same pattern as pipeline-groovy-lib's
     * {@code AbstractGlobalLibraries.configure} ("allow last library to be deleted").
     * A {@link FormException} makes {@code Jenkins.doConfigSubmit} show its message and keep the old configuration
     * (jenkinsci/jenkins 2.479.3, {@code Descriptor.FormException#generateResponse}).
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        if (!Forms.canConfigure(null)) {
            return true;
        }
        List<NamedPolicy> submitted = req.bindJSONToList(NamedPolicy.class, json.opt("policies"));
        Check check = ConfigChecks.namedPolicies(submitted.stream()
                .map(p -> new ConfigChecks.PolicyEntry(p.getName(), p.getDocument())).toList());
        if (check.kind() == Check.Kind.ERROR) {
            throw new FormException("Gatehouse: named policies not saved: " + check.message(), "policies");
        }
        this.policies = new ArrayList<>();
        req.bindJSON(this, json);
        save();
        return true;
    }

    /** The named policy, or null. */
    public NamedPolicy findPolicy(String name) {
        return getPolicies().stream().filter(p -> p.getName() != null && p.getName().equals(name)).findFirst().orElse(null);
    }

    public Duration scanTimeoutDuration() {
        return Durations.parse(scanTimeout == null ? DEFAULT_SCAN_TIMEOUT : scanTimeout);
    }

    /** The connection settings for a step; a clear build failure when the page was never filled in. */
    public ConnectionSettings toSettings() throws AbortException {
        Check url = ConfigChecks.registryUrl(registryUrl);
        if (url.kind() == Check.Kind.ERROR) {
            throw new AbortException("Gatehouse is not configured: set the registry URL in Manage Jenkins → System → Gatehouse ("
                    + url.message() + ")");
        }
        return new ConnectionSettings(URI.create(registryUrl), caCertificate, insecure, Duration.ofSeconds(connectTimeoutSeconds), proxySettings());
    }

    /** Jenkins' HTTP proxy configuration, read at each use (a seam: unit tests without Jenkins connect directly). */
    protected ProxySettings proxySettings() {
        return JenkinsProxy.current();
    }

    @POST
    public FormValidation doCheckRegistryUrl(@QueryParameter String value) {
        Forms.checkConfigure(null);
        return Forms.toFormValidation(ConfigChecks.registryUrl(value));
    }

    @POST
    public FormValidation doCheckInsecure(@QueryParameter boolean value) {
        Forms.checkConfigure(null);
        return Forms.toFormValidation(ConfigChecks.insecure(value));
    }

    @POST
    public FormValidation doCheckCaCertificate(@QueryParameter String value) {
        Forms.checkConfigure(null);
        return Forms.toFormValidation(ConfigChecks.caCertificate(value));
    }

    @POST
    public FormValidation doCheckScanTimeout(@QueryParameter String value) {
        Forms.checkConfigure(null);
        return Forms.toFormValidation(ConfigChecks.duration(value));
    }

    @POST
    public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId, @QueryParameter String registryUrl) {
        if (!Forms.canConfigure(null)) {
            // Never list credential ids to someone who may not configure Jenkins; keep what is already selected.
            return new StandardListBoxModel().includeCurrentValue(credentialsId);
        }
        // Exactly what builds and Test connection resolve (StepCredentials.globalRegistryAuth): Jenkins' own store as
        // SYSTEM (System and Global scope), in domains matching the registry URL.
        var requirements = StepCredentials.requirements(registryUrl);
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class, requirements)
                .includeAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, requirements)
                .includeCurrentValue(credentialsId);
    }

    /** The "Test connection" button: GET /v2/ with the chosen credential and TLS settings. */
    @POST
    public FormValidation doTestConnection(@QueryParameter String registryUrl, @QueryParameter String credentialsId,
                                           @QueryParameter String caCertificate, @QueryParameter boolean insecure) {
        Forms.checkConfigure(null);
        return Forms.toFormValidation(testConnection(registryUrl, credentialsId, caCertificate, insecure));
    }

    Check testConnection(String url, String credentialsId, String ca, boolean insecureTls) {
        Check urlCheck = ConfigChecks.registryUrl(url);
        if (urlCheck.kind() == Check.Kind.ERROR) {
            return urlCheck;
        }
        try {
            var settings = new ConnectionSettings(URI.create(url.trim()), ca, insecureTls, Duration.ofSeconds(connectTimeoutSeconds), proxySettings());
            return new RegistryGatehouseService(settings, StepCredentials.globalRegistryAuth(credentialsId, url)).testConnection();
        } catch (AbortException | IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    /**
     * The "Publish policies to the registry" button: publishes the <em>saved</em> named policies with the saved
     * registry URL and credential (which must be a registry system administrator's).
     */
    @POST
    public FormValidation doPublishPolicies() {
        Forms.checkConfigure(null);
        try {
            return Forms.toFormValidation(publishNamedPolicies(RegistryGatehouseService::new, StepCredentials.globalRegistryAuth(credentialsId, registryUrl)));
        } catch (AbortException e) {
            return Forms.toFormValidation(Check.error(e.getMessage()));
        }
    }

    /** Publishes every named policy (a new registry version only where it changed); one line per policy. */
    public Check publishNamedPolicies(GatehouseServiceFactory services, RegistryAuth auth) {
        if (getPolicies().isEmpty()) {
            return Check.warning("There are no named policies to publish (save the page first)");
        }
        GatehouseService service;
        try {
            service = services.open(toSettings(), auth);
        } catch (AbortException | IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        boolean failed = false;
        for (NamedPolicy p : getPolicies()) {
            try {
                lines.add(service.publishPolicy(p.getDocument()).toString());
            } catch (IOException e) {
                failed = true;
                lines.add("policy '" + p.getName() + "': " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Check.error("interrupted");
            }
        }
        String text = String.join("\n", lines);
        return failed ? Check.error(text) : Check.ok(text);
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
