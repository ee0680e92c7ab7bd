package io.gatehouse.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.ItemGroup;
import hudson.security.ACL;
import hudson.util.FormValidation;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedConstruction;
import org.mockito.MockedStatic;

/** The global configuration with Mockito for Jenkins (permissions) and FormValidation (what the page shows). */
class GatehouseConfigurationTest {
    MockedStatic<Jenkins> jenkinsStatic;
    MockedStatic<FormValidation> forms;
    Jenkins jenkins;
    FormValidation ok;
    FormValidation error;
    FormValidation warning;

    @BeforeEach
    void mockJenkins() {
        jenkins = mock(Jenkins.class);
        jenkinsStatic = mockStatic(Jenkins.class);
        jenkinsStatic.when(Jenkins::get).thenReturn(jenkins);
        forms = mockStatic(FormValidation.class);
        ok = mock(FormValidation.class);
        error = mock(FormValidation.class);
        warning = mock(FormValidation.class);
        forms.when(FormValidation::ok).thenReturn(ok);
        forms.when(() -> FormValidation.ok(anyString())).thenReturn(ok);
        forms.when(() -> FormValidation.error(anyString())).thenReturn(error);
        forms.when(() -> FormValidation.warning(anyString())).thenReturn(warning);
    }

    @AfterEach
    void close() {
        forms.close();
        jenkinsStatic.close();
    }

    @Test
    void dataBoundSettersRoundTripLikeConfigurationAsCode() {
        GatehouseConfiguration c = TestConfigurations.unsaved();
        assertThat(c.getConnectTimeoutSeconds()).isEqualTo(30);
        assertThat(c.getScanTimeout()).isEqualTo("10m");
        assertThat(c.getPolicies()).isEmpty();
        c.setRegistryUrl("  https://registry.example.com  ");
        c.setCredentialsId("robot");
        c.setCaCertificate("   ");
        c.setInsecure(true);
        c.setConnectTimeoutSeconds(0);
        c.setScanTimeout("");
        c.setPolicies(List.of(new NamedPolicy(" no-critical ", "{\"maxSeverity\":\"HIGH\"}")));
        c.setPublishPolicies(true);
        assertThat(c.getRegistryUrl()).isEqualTo("https://registry.example.com");
        assertThat(c.getCredentialsId()).isEqualTo("robot");
        assertThat(c.getCaCertificate()).isNull();
        assertThat(c.isInsecure()).isTrue();
        assertThat(c.getConnectTimeoutSeconds()).as("nonsense falls back to the default").isEqualTo(30);
        assertThat(c.getScanTimeout()).isEqualTo("10m");
        assertThat(c.findPolicy("no-critical").getDocument()).contains("maxSeverity");
        assertThat(c.findPolicy("other")).isNull();
        assertThat(c.isPublishPolicies()).isTrue();
    }

    static final String RELEASE = "{\"schemaVersion\": 1, \"name\": \"release\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}}";

    @Test
    void saveClearsThePoliciesBeforeBindingSoTheLastOneCanBeDeleted() throws Exception {
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(true);
        GatehouseConfiguration c = TestConfigurations.unsaved();
        c.setPolicies(List.of(new NamedPolicy("release", RELEASE)));
        org.kohsuke.stapler.StaplerRequest2 req = mock(org.kohsuke.stapler.StaplerRequest2.class);
        net.sf.json.JSONObject json = mock(net.sf.json.JSONObject.class);
        // the form with no policy left sends no "policies" key: binding it binds no list at all
        when(req.bindJSONToList(NamedPolicy.class, null)).thenReturn(List.of());

        assertThat(c.configure(req, json)).isTrue();

        assertThat(c.getPolicies()).isEmpty();
        verify(req).bindJSON(c, json);
    }

    @Test
    void saveRefusesInvalidDocumentsAndDuplicateNamesWithTheirPathsAndChangesNothing() throws Exception {
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(true);
        GatehouseConfiguration c = TestConfigurations.unsaved();
        c.setPolicies(List.of(new NamedPolicy("release", RELEASE)));
        org.kohsuke.stapler.StaplerRequest2 req = mock(org.kohsuke.stapler.StaplerRequest2.class);
        net.sf.json.JSONObject json = mock(net.sf.json.JSONObject.class);
        when(json.opt("policies")).thenReturn("submitted");
        when(req.bindJSONToList(NamedPolicy.class, "submitted")).thenReturn(List.of(new NamedPolicy("release", RELEASE),
                new NamedPolicy("release", RELEASE), new NamedPolicy("broken", RELEASE.replace("\"critical\": 0", "\"critical\": -1")
                        .replace("\"release\"", "\"broken\""))));

        assertThatThrownBy(() -> c.configure(req, json)).isInstanceOf(hudson.model.Descriptor.FormException.class)
                .hasMessageContaining("policies[1] 'release': the name 'release' is used twice")
                .hasMessageContaining("policies[2] 'broken': $.").hasMessageContaining("critical");
        verify(req, never()).bindJSON(any(Object.class), any(net.sf.json.JSONObject.class));
        assertThat(c.getPolicies()).extracting(NamedPolicy::getName).containsExactly("release");
    }

    @Test
    void aDocumentNamedOtherwiseThanItsEntryIsAnError() {
        var check = io.gatehouse.jenkins.service.ConfigChecks.policyDocument(RELEASE, "prod-release");
        assertThat(check.kind()).isEqualTo(io.gatehouse.jenkins.service.Check.Kind.ERROR);
        assertThat(check.message()).contains("$.name", "'release'", "'prod-release'");
        assertThat(io.gatehouse.jenkins.service.ConfigChecks.policyDocument(RELEASE, "release").kind())
                .isEqualTo(io.gatehouse.jenkins.service.Check.Kind.OK);
    }

    @Test
    void stepsGetAClearErrorUntilTheRegistryIsConfigured() throws Exception {
        GatehouseConfiguration c = TestConfigurations.unsaved();
        assertThatThrownBy(c::toSettings).isInstanceOf(AbortException.class).hasMessageContaining("Manage Jenkins");
        c.setRegistryUrl("ftp://registry");
        assertThatThrownBy(c::toSettings).isInstanceOf(AbortException.class);
        c.setRegistryUrl("https://registry.example.com:5443");
        assertThat(c.toSettings().registryHost()).isEqualTo("registry.example.com:5443");
    }

    @Test
    void formChecksRequireAdministerAndShowTheRule() {
        GatehouseConfiguration c = TestConfigurations.unsaved();
        assertThat(c.doCheckRegistryUrl("https://registry.example.com")).isSameAs(ok);
        assertThat(c.doCheckRegistryUrl("not a url")).isSameAs(error);
        assertThat(c.doCheckRegistryUrl("http://registry.example.com")).as("plain HTTP off loopback").isSameAs(warning);
        assertThat(c.doCheckInsecure(true)).isSameAs(warning);
        assertThat(c.doCheckInsecure(false)).isSameAs(ok);
        assertThat(c.doCheckCaCertificate("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----")).isSameAs(error);
        assertThat(c.doCheckScanTimeout("10 minutes")).isSameAs(error);
        verify(jenkins, org.mockito.Mockito.times(7)).checkPermission(Jenkins.ADMINISTER);
    }

    @Test
    void withoutAdministerNothingIsValidatedOrTested() {
        doThrow(new SecurityException("anonymous is missing the Overall/Administer permission")).when(jenkins).checkPermission(Jenkins.ADMINISTER);
        GatehouseConfiguration c = TestConfigurations.unsaved();
        assertThatThrownBy(() -> c.doCheckRegistryUrl("https://x")).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> c.doTestConnection("http://127.0.0.1:1", null, null, false)).isInstanceOf(SecurityException.class);
        forms.verifyNoInteractions();
    }

    @Test
    void credentialListIsOnlyFilledForAdministrators() {
        GatehouseConfiguration c = TestConfigurations.unsaved();
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(false);
        try (MockedConstruction<StandardListBoxModel> models = mockConstruction(StandardListBoxModel.class, withSettings().defaultAnswer(RETURNS_SELF))) {
            c.doFillCredentialsIdItems("current-id", null);
            StandardListBoxModel m = models.constructed().get(0);
            verify(m).includeCurrentValue("current-id");
            verify(m, never()).includeAs(any(org.springframework.security.core.Authentication.class), any(ItemGroup.class), any(), any());
            verify(m, never()).includeEmptyValue();
        }
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(true);
        try (MockedConstruction<StandardListBoxModel> models = mockConstruction(StandardListBoxModel.class, withSettings().defaultAnswer(RETURNS_SELF))) {
            c.doFillCredentialsIdItems("current-id", null);
            StandardListBoxModel m = models.constructed().get(0);
            verify(m).includeEmptyValue();
            // as SYSTEM on Jenkins itself: what builds and Test connection resolve (no registry URL yet: no domain filter)
            verify(m).includeAs(ACL.SYSTEM2, (ItemGroup) jenkins, StandardUsernamePasswordCredentials.class, java.util.List.of());
            verify(m).includeAs(ACL.SYSTEM2, (ItemGroup) jenkins, StringCredentials.class, java.util.List.of());
            verify(m).includeCurrentValue("current-id");
        }
    }

    @Test
    void namedPolicyFormValidatesTheDocument() {
        var d = new NamedPolicy.DescriptorImpl();
        assertThat(d.doCheckName("no-critical")).isSameAs(ok);
        assertThat(d.doCheckName("No Critical!")).isSameAs(error);
        assertThat(d.doCheckDocument("{\"schemaVersion\": 1, \"name\": \"no-critical\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}}", "no-critical")).isSameAs(ok);
        assertThat(d.doCheckDocument("{\"schemaVersion\": 1, \"name\": \"x\", \"conditons\": {}}", "x")).isSameAs(error);
        assertThat(d.doCheckDocument("{\"maxSeverity\": ", null)).isSameAs(error);
        forms.verify(() -> FormValidation.error(org.mockito.ArgumentMatchers.contains("line 1")));
        verify(jenkins, org.mockito.Mockito.times(5)).checkPermission(Jenkins.ADMINISTER);
    }
}
