package io.gatehouse.jenkins.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The plain rules behind step arguments and form checks. */
class ArgumentsTest {
    static final String D = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void imageArgumentsFollowDockersRegistryRule() {
        assertThat(ImageArgument.parse("mirror/alpine:3.20", "reg:5000")).isEqualTo(new ImageArgument("reg:5000", "mirror/alpine", "3.20", null));
        assertThat(ImageArgument.parse("alpine", "reg:5000").toString()).isEqualTo("reg:5000/alpine:latest");
        assertThat(ImageArgument.parse("other.example.com/team/app:1", "reg:5000").registry()).isEqualTo("other.example.com");
        assertThat(ImageArgument.parse("localhost:5000/app", "reg").registry()).isEqualTo("localhost:5000");
        assertThat(ImageArgument.parse("localhost/app", "reg").registry()).isEqualTo("localhost");
        ImageArgument both = ImageArgument.parse("reg:5000/app:1@" + D, "x");
        assertThat(both.tag()).isEqualTo("1");
        assertThat(both.reference()).as("the digest wins for pulls").isEqualTo(D);
        assertThat(ImageArgument.parse("app@" + D, "reg").tag()).isNull();
    }

    @Test
    void badImageArgumentsSayWhy() {
        assertThatThrownBy(() -> ImageArgument.parse("", "r")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageArgument.parse("Team/App", "r")).hasMessageContaining("invalid repository name");
        assertThatThrownBy(() -> ImageArgument.parse("../etc/passwd", "r")).hasMessageContaining("invalid registry host");
        assertThatThrownBy(() -> ImageArgument.parse("app/../../x", "r")).hasMessageContaining("invalid repository name");
        assertThatThrownBy(() -> ImageArgument.parse("app:-bad", "r")).hasMessageContaining("invalid tag");
        assertThatThrownBy(() -> ImageArgument.parse("app@md5:abc", "r")).hasMessageContaining("unsupported digest algorithm");
        assertThatThrownBy(() -> ImageArgument.parse("a".repeat(300), "r")).hasMessageContaining("longer than");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThatThrownBy(() -> Durations.parse("-1m")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> Durations.parse("1d")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("empty");
    }

    @Test
    void severities() {
        assertThat(Severity.parse(" high ")).isEqualTo(Severity.HIGH);
        assertThat(Severity.CRITICAL.atLeast(Severity.HIGH)).isTrue();
        assertThat(Severity.LOW.atLeast(Severity.HIGH)).isFalse();
        assertThatThrownBy(() -> Severity.parse("SEVERE")).hasMessageContaining("unknown severity");
    }

    @Test
    void failOnTakesOneThresholdAndOrUnknown() {
        assertThat(FailOn.parse(" high ")).isEqualTo(new FailOn(Severity.HIGH, false));
        assertThat(FailOn.parse("HIGH, unknown")).isEqualTo(new FailOn(Severity.HIGH, true));
        assertThat(FailOn.parse("UNKNOWN")).isEqualTo(new FailOn(null, true));
        assertThat(FailOn.parse("")).isNull();
        assertThatThrownBy(() -> FailOn.parse("HIGH,LOW")).hasMessageContaining("one threshold");
        assertThatThrownBy(() -> FailOn.parse("SEVERE")).hasMessageContaining("unknown severity 'SEVERE'");
        ScanSummary onlyUnknown = new ScanSummary("i", "d", java.util.Map.of(Severity.UNKNOWN, 2), java.util.List.of(), null, null);
        assertThat(FailOn.parse("LOW").reasons(onlyUnknown)).as("a threshold never matches UNKNOWN").isEmpty();
        assertThat(FailOn.parse("LOW,UNKNOWN").reasons(onlyUnknown)).containsExactly("2 finding(s) without a severity (UNKNOWN)");
        ScanSummary mixed = new ScanSummary("i", "d", java.util.Map.of(Severity.CRITICAL, 1, Severity.HIGH, 2, Severity.LOW, 5),
                java.util.List.of(), null, null);
        assertThat(FailOn.parse("HIGH").reasons(mixed)).containsExactly("3 finding(s) at or above HIGH");
        assertThat(ConfigChecks.severity("HIGH,UNKNOWN").kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.severity("HIGH;LOW").kind()).isEqualTo(Check.Kind.ERROR);
    }

    @Test
    void configChecks() {
        assertThat(ConfigChecks.registryUrl("https://registry.example.com").kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.registryUrl("http://127.0.0.1:5000").kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.registryUrl("https://registry.example.com/v2/").kind()).isEqualTo(Check.Kind.WARNING);
        assertThat(ConfigChecks.registryUrl("").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.registryUrl("registry.example.com").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.registryUrl("https://exa mple").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.caCertificate(null).kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.caCertificate("garbage").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.policyDocument("[1,2]").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.policyDocument("{\"schemaVersion\": 1, \"name\": \"no-critical\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}}").kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.policyDocument("{\"schemaVersion\": 1, \"name\": \"x\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": -1}}}}").message())
                .as("errors name their JSON path").contains("critical");
        assertThat(ConfigChecks.policyDocument("{\n  \"a\": }").message()).contains("line 2");
        assertThat(ConfigChecks.policyName("a".repeat(64)).kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.repository("dev/alpine").kind()).isEqualTo(Check.Kind.OK);
        assertThat(ConfigChecks.repository("dev/alpine:3").kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(ConfigChecks.severity("").kind()).isEqualTo(Check.Kind.OK);
    }

    @Test
    void secretsNeverPrint() {
        assertThat(new RegistryAuth("robot", "pw".toCharArray()).toString()).isEqualTo("robot/****");
        assertThat(new RegistryAuth(null, "xyzzy".toCharArray()).toString()).doesNotContain("xyzzy");
        assertThat(RegistryAuth.ANONYMOUS.toString()).isEqualTo("anonymous");
    }
}
