package io.gatehouse.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatehouse.jenkins.packaging.GatehouseHpiIT;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.service.ConfigChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps src-examples true: the Configuration-as-Code keys are data-bound properties of GatehouseConfiguration and
 * its policies pass the same check as the form; the Jenkinsfiles call our steps only with parameters that exist.
 * (The Jenkinsfiles run in a real controller in the E2E suite, io.gatehouse.jenkins.e2e, in the same shape.)
 */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("../src-examples");
    static final Map<String, Class<?>> STEPS = Map.of(
            "mirrorImage", io.gatehouse.jenkins.steps.MirrorImageStep.class,
            "scanImage", io.gatehouse.jenkins.steps.ScanImageStep.class,
            "promoteImage", io.gatehouse.jenkins.steps.PromoteImageStep.class,
            "signImage", io.gatehouse.jenkins.steps.SignImageStep.class);

    @Test
    void cascExampleUsesRealPropertiesAndValidPolicies() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLES.resolve("casc/gatehouse.yaml").toFile());
        JsonNode gatehouse = root.path("unclassified").path("gatehouse");
        assertThat(gatehouse.isObject()).isTrue();
        Set<String> properties = GatehouseHpiIT.dataBoundParameters(GatehouseConfiguration.class);
        for (Iterator<String> it = gatehouse.fieldNames(); it.hasNext(); ) {
            assertThat(properties).contains(it.next());
        }
        assertThat(ConfigChecks.registryUrl(gatehouse.path("registryUrl").asText()).kind()).isEqualTo(Check.Kind.OK);
        assertThat(gatehouse.path("policies")).isNotEmpty();
        for (JsonNode p : gatehouse.path("policies")) {
            assertThat(ConfigChecks.policyName(p.path("name").asText()).kind()).isEqualTo(Check.Kind.OK);
            Check c = ConfigChecks.policyDocument(p.path("document").asText());
            assertThat(c.kind()).as("%s: %s", p.path("name").asText(), c.message()).isEqualTo(Check.Kind.OK);
            // the registry stores a published policy under its document's name, which promoteImage then asks for
            assertThat(io.gatehouse.core.policy.PolicyDocuments.parse(p.path("document").asText()).name()).isEqualTo(p.path("name").asText());
        }
    }

    /** Every credential id the example Jenkinsfiles and the global configuration name is defined in the CasC example. */
    @Test
    void everyCredentialTheExamplesUseIsDefined() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLES.resolve("casc/gatehouse.yaml").toFile());
        Set<String> defined = new java.util.TreeSet<>();
        Map<String, String> scopes = new java.util.HashMap<>();
        for (JsonNode domain : root.path("credentials").path("system").path("domainCredentials")) {
            for (JsonNode c : domain.path("credentials")) {
                JsonNode body = c.elements().next();
                defined.add(body.path("id").asText());
                scopes.put(body.path("id").asText(), body.path("scope").asText());
            }
        }
        Set<String> used = new java.util.TreeSet<>();
        used.add(root.path("unclassified").path("gatehouse").path("credentialsId").asText());
        Pattern id = Pattern.compile("\\b(?:credentialsId|registryCredentialsId|keyCredentialsId|passphraseCredentialsId)\\s*:\\s*'([^'$]+)'");
        try (Stream<Path> s = Files.walk(EXAMPLES.resolve("jenkins"))) {
            for (Path f : s.filter(p -> p.toString().endsWith("Jenkinsfile")).toList()) {
                Matcher m = id.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).contains("gatehouse-robot", "dockerhub", "release-key", "release-key-passphrase");
        assertThat(defined).containsAll(used);
        // the global registry credential is the plugin's own: System scope, which no pipeline can bind
        assertThat(scopes.get("gatehouse-robot")).isEqualTo("SYSTEM");
        assertThat(root.path("unclassified").path("gatehouse").path("publishPolicies").asBoolean(true))
                .as("the example's service account is not a registry administrator").isFalse();
    }

    @Test
    void jenkinsfileExamplesCallStepsWithRealParameters() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(EXAMPLES.resolve("jenkins"))) {
            s.filter(p -> p.toString().endsWith("Jenkinsfile")).forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        Pattern call = Pattern.compile("\\b(mirrorImage|scanImage|promoteImage|signImage)\\(([^)]*)\\)", Pattern.DOTALL);
        Pattern key = Pattern.compile("(?:^|[,(\\s])(\\w+)\\s*:");
        int calls = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = call.matcher(text);
            while (m.find()) {
                calls++;
                if (m.group(1).equals("promoteImage")) {
                    assertThat(m.group(2)).as("promoteImage names its policy in %s", f.getFileName()).contains("policy:");
                }
                Set<String> allowed = GatehouseHpiIT.dataBoundParameters(STEPS.get(m.group(1)));
                Matcher k = key.matcher(m.group(2).replaceAll("\"[^\"]*\"|'[^']*'", "''"));
                while (k.find()) {
                    assertThat(allowed).as("%s in %s", m.group(1), f.getFileName()).contains(k.group(1));
                }
            }
        }
        assertThat(calls).isGreaterThanOrEqualTo(5);
        assertThat(Files.readString(EXAMPLES.resolve("jenkins/mirror-scheduled.Jenkinsfile"))).contains("cron('H/30 * * * *')");
    }
}
