package io.gatehouse.jenkins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16 parts 3 and 4 in the real controller: which credential scopes work where (a System-scoped global credential
 * passes Test connection and works in builds; a pipeline cannot name it), the credential dropdowns, the WarningAction
 * of an unstable scan, the build page (severity chart, fixable findings, registry links, promotion verdict), the job
 * page trend, the snippet generator's checks against the registry, and the help files.
 */
@ExtendWith(E2E.class)
class SecurityAndBuildPageIT {
    static final String SYSTEM_SCOPED = "gatehouse-system";
    static final Map<String, String> POLICIES = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        POLICIES.put("no-critical", PipelineStepsIT.NO_CRITICAL);
        POLICIES.put("release", E2E.releasePolicy("release", "prod/app"));
        E2E.configure(POLICIES);
        String out = E2E.jenkins().groovy("""
                import com.cloudbees.plugins.credentials.*
                import com.cloudbees.plugins.credentials.domains.Domain
                import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl
                def store = SystemCredentialsProvider.getInstance().getStore()
                if (!store.getCredentials(Domain.global()).any { it.id == '%s' }) {
                    store.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.SYSTEM, '%s',
                            'registry service account, System scope', 'jenkins', '%s'))
                }
                println 'ok'
                """.formatted(SYSTEM_SCOPED, SYSTEM_SCOPED, E2E.registry().token));
        assertThat(out).contains("ok");
    }

    @Test
    void aSystemScopedGlobalCredentialPassesTestConnectionAndWorksInBuildsButNoPipelineCanNameIt() throws Exception {
        RealJenkins j = E2E.jenkins();
        var section = E2E.section(POLICIES);
        section.put("credentialsId", SYSTEM_SCOPED);
        assertThat(j.configSubmit(section).statusCode()).isEqualTo(302);
        try {
            var test = j.postForm("/descriptorByName/io.gatehouse.jenkins.GatehouseConfiguration/testConnection",
                    Map.of("registryUrl", E2E.registry().url(), "credentialsId", SYSTEM_SCOPED, "caCertificate", "", "insecure", "false"));
            assertThat(test.body()).contains("Connected");

            j.pipeline("system-scoped", "echo \"critical=${scanImage(image: 'team/app:clean').critical}\"");
            RealJenkins.Build b = j.build("system-scoped");
            assertThat(b.result()).as(b.console()).isEqualTo("SUCCESS");
            assertThat(b.console()).contains("critical=0");

            j.pipeline("steal", "scanImage(image: 'team/app:clean', registryCredentialsId: '" + SYSTEM_SCOPED + "')");
            RealJenkins.Build steal = j.build("steal");
            PipelineStepsIT.assertOneLineFailure(steal, "registryCredentialsId: credentials '" + SYSTEM_SCOPED + "' were not found");
            assertThat(steal.console()).contains("Global-scoped");

            // the global page lists Jenkins' own store as SYSTEM; a job's dropdown what its builds could use
            String global = j.postForm("/descriptorByName/io.gatehouse.jenkins.GatehouseConfiguration/fillCredentialsIdItems",
                    Map.of("credentialsId", "", "registryUrl", E2E.registry().url())).body();
            assertThat(global).contains(SYSTEM_SCOPED, E2E.REGISTRY_CREDENTIALS);
            String job = j.postForm("/job/steal/descriptorByName/io.gatehouse.jenkins.steps.ScanImageStep/fillRegistryCredentialsIdItems",
                    Map.of("registryCredentialsId", "")).body();
            assertThat(job).contains(E2E.REGISTRY_CREDENTIALS).doesNotContain(SYSTEM_SCOPED);
        } finally {
            E2E.configure(POLICIES);
        }
        // a step's own Global-scoped credential works
        j.pipeline("own-credential", "scanImage(image: 'team/app:clean', registryCredentialsId: '" + E2E.REGISTRY_CREDENTIALS + "')");
        RealJenkins.Build own = j.build("own-credential");
        assertThat(own.result()).as(own.console()).isEqualTo("SUCCESS");
    }

    @Test
    void theBuildAndJobPagesShowTheScanThePromotionVerdictAndTheTrendAndTheStageIsMarkedUnstable() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        j.pipeline("pages", """
                stage('scan') {
                  scanImage(image: 'team/app:critical', policy: 'no-critical', failOn: 'HIGH', unstable: true)
                }
                stage('promote') {
                  try {
                    promoteImage(image: 'team/app:critical', target: 'prod/app', policy: 'release')
                  } catch (err) {
                    echo 'promotion refused'
                  }
                }
                """);
        RealJenkins.Build b = j.build("pages");
        assertThat(b.result()).as(b.console()).isEqualTo("UNSTABLE");
        assertThat(b.console()).contains("promotion refused");

        // the WarningAction on scanImage's FlowNode, as the `unstable` step leaves one
        String warnings = j.groovy("""
                import org.jenkinsci.plugins.workflow.actions.WarningAction
                def b = jenkins.model.Jenkins.get().getItemByFullName('pages').getBuildByNumber(%d)
                def found = []
                new org.jenkinsci.plugins.workflow.graph.FlowGraphWalker(b.execution).each { n ->
                    def w = n.getPersistentAction(WarningAction)
                    if (w != null) found << (n.displayFunctionName + '|' + w.result + '|' + w.message)
                }
                println found
                """.formatted(b.number()));
        assertThat(warnings).contains("scanImage|UNSTABLE|scanImage: " + reg.host() + "/team/app:critical", "at or above HIGH");

        String page = j.get("/job/pages/" + b.number() + "/").body();
        assertThat(page).contains("class=\"gatehouse-severity-chart\"", "class=\"bar-critical\"", "Fix these first",
                "https://osv.dev/vulnerability/" + E2ERegistry.CRITICAL_CVE,
                reg.url() + "/api/v1/repositories/team/app/scans/" + reg.criticalDigest + "/report",
                "gatehouse-conditions", "gatehouse-promotion-conditions", "refused", "vulnerabilities.critical");
        assertThat(page).doesNotContain(reg.token);

        String jobPage = j.get("/job/pages/").body();
        assertThat(jobPage).contains("class=\"gatehouse-trend-chart\"", "line-critical", "href=\"" + b.number() + "/\"");
    }

    @Test
    void theSnippetGeneratorChecksImagesAndPoliciesAgainstTheRegistryAndHasHelpWithExamples() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        j.pipeline("snippets", "echo 'x'");
        String d = "/job/snippets/descriptorByName/io.gatehouse.jenkins.steps.";
        assertThat(j.postForm(d + "ScanImageStep/checkImage", Map.of("value", "team/app:clean")).body())
                .contains("Found in", reg.cleanDigest);
        assertThat(j.postForm(d + "ScanImageStep/checkImage", Map.of("value", "team/app:nope")).body()).contains("is not in");
        assertThat(j.postForm(d + "ScanImageStep/checkPolicy", Map.of("value", "nope")).body()).contains("No named policy");
        assertThat(j.postForm(d + "PromoteImageStep/checkPolicy", Map.of("value", "release", "target", "prod/app")).body())
                .contains("published to the registry before promoting");
        assertThat(j.postForm(d + "PromoteImageStep/checkPolicy", Map.of("value", "nope", "target", "prod/app")).body())
                .contains("not published");
        assertThat(j.get(d + "MirrorImageStep/help/onAgent").body()).contains("Example", "onAgent: true");
        assertThat(j.get(d + "SignImageStep/help/registryCredentialsId").body()).contains("Example", "registryCredentialsId:");
    }
}
