package io.gatehouse.jenkins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Manage Jenkins → System → Gatehouse through the real page and its Save ({@code /manage/configure},
 * {@code /manage/configSubmit} with a crumb): named policies added, changed and deleted (the last one too), invalid
 * documents and duplicate names refused with where the problem is, and the field checks the page calls.
 */
@ExtendWith(E2E.class)
class ConfigurationFormIT {
    static final String NO_CRITICAL = PipelineStepsIT.NO_CRITICAL;

    @AfterAll
    static void restore() throws Exception {
        E2E.configureDefaults();
    }

    private static String savedXml() throws Exception {
        return Files.readString(E2E.jenkins().home().resolve("io.gatehouse.jenkins.GatehouseConfiguration.xml"));
    }

    private static String savedPolicyNames() throws Exception {
        return E2E.jenkins().groovy("println io.gatehouse.jenkins.GatehouseConfiguration.get().policies.collect { it.name + '=' + it.document.length() }");
    }

    @Test
    void thePageRendersTheGatehouseSection() throws Exception {
        HttpResponse<String> page = E2E.jenkins().get("/manage/configure");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Gatehouse registry", "Named policies", "Test connection", E2E.registry().url());
    }

    @Test
    void namedPoliciesAreAddedChangedAndDeletedDownToTheLastOne() throws Exception {
        RealJenkins j = E2E.jenkins();
        Map<String, String> two = new LinkedHashMap<>();
        two.put("no-critical", NO_CRITICAL);
        two.put("release", E2E.releasePolicy("release", "prod/app"));
        E2E.configure(two);
        assertThat(savedPolicyNames()).contains("no-critical=", "release=");
        assertThat(savedXml()).contains("<name>release</name>");
        assertThat(j.get("/manage/configure").body()).contains("prod/app");

        // change one document
        two.put("release", E2E.releasePolicy("release", "staging/app"));
        E2E.configure(two);
        assertThat(savedXml()).contains("staging/app").doesNotContain("prod/app");

        // delete one: the form sends the remaining one as an object
        E2E.configure(Map.of("no-critical", NO_CRITICAL));
        assertThat(savedPolicyNames()).contains("[no-critical=").doesNotContain("release");

        // delete the last one: the form sends no "policies" key at all
        E2E.configure(Map.of());
        assertThat(savedPolicyNames()).contains("[]");
        assertThat(savedXml()).doesNotContain("no-critical");
    }

    @Test
    void anInvalidDocumentOrADuplicateNameIsRefusedWithWhereAndNothingChanges() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2E.configure(Map.of("no-critical", NO_CRITICAL));
        String before = savedXml();

        var invalid = E2E.section(Map.of("bad", "{\"schemaVersion\": 1, \"name\": \"bad\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": -1}}}}"));
        HttpResponse<String> r = j.configSubmit(invalid);
        assertThat(r.statusCode()).as("not saved").isNotEqualTo(302);
        assertThat(r.body()).contains("policies[0]", "bad", "$.", "critical");

        var duplicate = E2E.section(Map.of("no-critical", NO_CRITICAL));
        duplicate.set("policies", RealJenkins.JSON.createArrayNode()
                .add(RealJenkins.JSON.createObjectNode().put("name", "no-critical").put("document", NO_CRITICAL))
                .add(RealJenkins.JSON.createObjectNode().put("name", "no-critical").put("document", NO_CRITICAL)));
        r = j.configSubmit(duplicate);
        assertThat(r.statusCode()).isNotEqualTo(302);
        assertThat(r.body()).contains("policies[1]", "used twice");

        assertThat(savedXml()).isEqualTo(before);
        assertThat(j.logTail()).doesNotContain("io.gatehouse.jenkins.GatehouseConfiguration.configure");
    }

    @Test
    void theFieldChecksThePageCallsAnswerWithThePath() throws Exception {
        RealJenkins j = E2E.jenkins();
        String url = "/descriptorByName/io.gatehouse.jenkins.NamedPolicy/checkDocument?name=release&value="
                + URLEncoder.encode(E2E.releasePolicy("other", "prod/app"), StandardCharsets.UTF_8);
        HttpResponse<String> r = j.post(url, "application/x-www-form-urlencoded", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("error", "$.name", "other");
        r = j.post("/descriptorByName/io.gatehouse.jenkins.NamedPolicy/checkName?value=" + URLEncoder.encode("Not A Name", StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded", "");
        assertThat(r.body()).contains("error", "lowercase");
    }
}
