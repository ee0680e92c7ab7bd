package io.gatehouse.core.policy;

import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyEvaluatorTest {
    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Digest DIGEST = Digest.sha256("img".getBytes());
    static final String KEY_A = "sha256:" + "a".repeat(64);
    static final String KEY_B = "sha256:" + "b".repeat(64);
    final PolicyEvaluator evaluator = new PolicyEvaluator(CLOCK);

    static Policy policy(String conditions) {
        return PolicyDocuments.parse("{\"schemaVersion\":1,\"name\":\"p\",\"conditions\":" + conditions
                + ",\"promotion\":{\"targetRepository\":\"prod/app\",\"tagTemplate\":\"%n-%Y%m%d-%d12\"}}");
    }

    static ScanFacts.Finding finding(String id, String severity, boolean fixable, String... aliases) {
        return new ScanFacts.Finding(id, List.of(aliases), severity, fixable, "openssl");
    }

    static ScanFacts scan(Duration age, ScanFacts.Finding... findings) {
        return new ScanFacts(DIGEST.toString(), NOW.minus(age), List.of(findings));
    }

    static PolicyInput input(ScanFacts scan, String tag, String... keys) {
        return new PolicyInput("team/app", tag, DIGEST, scan, Set.of(keys));
    }

    ConditionResult only(Verdict v, String name) {
        return v.conditions().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(v.explain()));
    }

    @Test
    void maxCountsPerSeverityNameTheOffendingCves() {
        Policy p = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0,\"high\":1}}}");
        Verdict v = evaluator.evaluate(p, input(scan(Duration.ZERO,
                finding("CVE-2024-1", "CRITICAL", true), finding("CVE-2024-2", "HIGH", true), finding("CVE-2024-3", "LOW", true)), "1.0"));
        assertThat(v.passed()).isFalse();
        ConditionResult critical = only(v, "vulnerabilities.critical");
        assertThat(critical.passed()).isFalse();
        assertThat(critical.expected()).isEqualTo("at most 0 CRITICAL");
        assertThat(critical.actual()).isEqualTo("1");
        assertThat(critical.reason()).contains("CVE-2024-1 in openssl");
        assertThat(only(v, "vulnerabilities.high").passed()).isTrue();
        assertThat(v.conditions()).extracting(ConditionResult::name).containsExactly("vulnerabilities.critical", "vulnerabilities.high");
        assertThat(v.explain()).contains("FAILED (1 of 2 conditions)", "FAIL vulnerabilities.critical", "PASS vulnerabilities.high");
    }

    @Test
    void ignoreUnfixedSkipsFindingsWithoutAFix() {
        Policy p = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0},\"ignoreUnfixed\":true}}");
        Verdict v = evaluator.evaluate(p, input(scan(Duration.ZERO, finding("CVE-2024-1", "CRITICAL", false)), "1.0"));
        assertThat(v.passed()).isTrue();
        assertThat(only(v, "vulnerabilities.critical").reason()).contains("1 without a fix ignored");
        assertThat(only(v, "vulnerabilities.critical").expected()).contains("fixable only");
        Policy strict = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0}}}");
        assertThat(evaluator.evaluate(strict, input(scan(Duration.ZERO, finding("CVE-2024-1", "CRITICAL", false)), "1.0")).passed()).isFalse();
    }

    @Test
    void allowlistAppliesUntilItsExpiryDateByIdOrAlias() {
        String cond = "{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0},\"allowlist\":["
                + "{\"id\":\"CVE-2024-1\",\"reason\":\"not reachable\",\"expires\":\"2026-11-29\"},"
                + "{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"reason\":\"vendor says false positive\",\"expires\":\"2027-06-30\"}]}}";
        Policy p = policy(cond);
        Verdict v = evaluator.evaluate(p, input(scan(Duration.ZERO,
                finding("CVE-2024-1", "CRITICAL", true), finding("CVE-2024-9", "CRITICAL", true, "GHSA-aaaa-bbbb-cccc")), "1.0"));
        assertThat(v.passed()).as(v.explain()).isTrue();
        assertThat(only(v, "vulnerabilities.critical").reason()).contains("allowlisted: CVE-2024-1 (not reachable, until 2026-11-29)", "CVE-2024-9");

        // one day later the first entry has expired: the CVE counts again and the reason says why
        Verdict later = new PolicyEvaluator(Clock.offset(CLOCK, Duration.ofDays(1))).evaluate(p, input(scan(Duration.ZERO,
                finding("CVE-2024-1", "CRITICAL", true)), "1.0"));
        assertThat(later.passed()).isFalse();
        assertThat(only(later, "vulnerabilities.critical").reason()).contains("CVE-2024-1 in openssl", "allowlist entry for CVE-2024-1 expired on 2026-11-29");
    }

    @Test
    void reportMaxAge() {
        Policy p = policy("{\"report\":{\"maxAge\":\"P7D\"}}");
        assertThat(evaluator.evaluate(p, input(scan(Duration.ofDays(7)), "1.0")).passed()).isTrue();
        Verdict old = evaluator.evaluate(p, input(scan(Duration.ofDays(8).plusHours(2)), "1.0"));
        assertThat(old.passed()).isFalse();
        assertThat(only(old, "report.maxAge").actual()).startsWith("8d 2h old");
        Verdict none = evaluator.evaluate(p, input(null, "1.0"));
        assertThat(only(none, "report.maxAge").actual()).isEqualTo("no scan report");
        assertThat(none.passed()).isFalse();
    }

    @Test
    void missingOrForeignReportFailsVulnerabilityConditions() {
        Policy p = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0}}}");
        Verdict none = evaluator.evaluate(p, input(null, "1.0"));
        assertThat(none.passed()).isFalse();
        assertThat(only(none, "vulnerabilities.critical").reason()).contains("not been scanned");
        ScanFacts foreign = new ScanFacts(Digest.sha256("other".getBytes()).toString(), NOW, List.of());
        Verdict v = evaluator.evaluate(p, input(foreign, "1.0"));
        assertThat(only(v, "report.digest").passed()).isFalse();
        assertThat(v.passed()).isFalse();
    }

    @Test
    void anIncompleteScanNeverSatisfiesVulnerabilityLimits() {
        // the scanner found dpkg packages but no /etc/os-release: zero findings means "not judged", not "clean"
        Policy p = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0}}}");
        ScanFacts notJudged = new ScanFacts(DIGEST.toString(), NOW, List.of(),
                List.of("OS is not detected: 88 deb packages were not matched"));
        Verdict v = evaluator.evaluate(p, input(notJudged, "1.0"));
        assertThat(v.passed()).isFalse();
        ConditionResult complete = only(v, "report.complete");
        assertThat(complete.passed()).isFalse();
        assertThat(complete.actual()).contains("OS is not detected");
        assertThat(only(v, "vulnerabilities.critical").passed()).isTrue(); // the count itself is still shown

        // a policy with no vulnerability limits does not care (a signature-only policy still promotes)
        Policy signedOnly = policy("{\"signatures\":{\"anyOf\":[\"" + KEY_A + "\"]}}");
        assertThat(evaluator.evaluate(signedOnly, input(notJudged, "1.0", KEY_A)).passed()).isTrue();
    }

    @Test
    void signaturesAnyOfAndAllOf() {
        Policy any = policy("{\"signatures\":{\"anyOf\":[\"" + KEY_A + "\",\"" + KEY_B + "\"]}}");
        assertThat(evaluator.evaluate(any, input(null, "1.0", KEY_B)).passed()).isTrue();
        Verdict unsigned = evaluator.evaluate(any, input(null, "1.0"));
        assertThat(unsigned.passed()).isFalse();
        assertThat(only(unsigned, "signatures.anyOf").actual()).isEqualTo("no valid signature");

        Policy all = policy("{\"signatures\":{\"allOf\":[\"" + KEY_A + "\",\"" + KEY_B + "\"]}}");
        assertThat(evaluator.evaluate(all, input(null, "1.0", KEY_A, KEY_B)).passed()).isTrue();
        Verdict half = evaluator.evaluate(all, input(null, "1.0", KEY_A));
        assertThat(half.passed()).isFalse();
        assertThat(only(half, "signatures.allOf").reason()).isEqualTo("missing a valid signature by " + KEY_B);
    }

    @Test
    void tagPatternMatchesTheWholeTag() {
        Policy p = policy("{\"tag\":{\"pattern\":\"v[0-9]+\\\\.[0-9]+\"}}");
        assertThat(evaluator.evaluate(p, input(null, "v1.2")).passed()).isTrue();
        assertThat(evaluator.evaluate(p, input(null, "v1.2-rc1")).passed()).isFalse();
        Verdict byDigest = evaluator.evaluate(p, input(null, null));
        assertThat(only(byDigest, "tag.pattern").actual()).isEqualTo("no tag");
    }

    @Test
    void aCatastrophicallyBacktrackingTagPatternFailsTheConditionInsteadOfPinningAThread() {
        // (.*a){12}b against a's and no b backtracks n^12 times in java.util.regex: 3.6 s for 28 a's, hours for 60
        Policy p = policy("{\"tag\":{\"pattern\":\"(.*a){12}b\"}}");
        Verdict v = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> evaluator.evaluate(p, input(null, "a".repeat(60))));
        assertThat(v.passed()).isFalse();
        assertThat(only(v, "tag.pattern").reason()).contains("too expensive to evaluate");
        assertThat(evaluator.evaluate(p, input(null, "a".repeat(12) + "b")).passed()).isTrue();
    }

    @Test
    void emptyPolicyPasses() {
        Verdict v = evaluator.evaluate(PolicyDocuments.parse("{\"schemaVersion\":1,\"name\":\"open\"}"), input(null, null));
        assertThat(v.passed()).isTrue();
        assertThat(v.explain()).contains("no conditions");
    }

    @Test
    void promotionTargetRendersTheTagTemplate() {
        Policy p = policy("{}");
        var target = evaluator.promotionTarget(p, input(null, "1.4"));
        assertThat(target.repository()).isEqualTo("prod/app");
        assertThat(target.tag()).isEqualTo("1.4-20261129-" + DIGEST.hex().substring(0, 12));
        assertThatThrownBy(() -> evaluator.promotionTarget(p, input(null, null))).hasMessageContaining("no source tag");
    }

    @Test
    void tagTemplates() {
        assertThat(TagTemplate.render("%Y.%m.%d", "x", DIGEST, NOW)).isEqualTo("2026.11.29");
        assertThat(TagTemplate.render("sha-%d7", null, DIGEST, NOW)).isEqualTo("sha-" + DIGEST.hex().substring(0, 7));
        assertThat(TagTemplate.render("%n", "latest", DIGEST, NOW)).isEqualTo("latest");
        assertThat(TagTemplate.problem("%n%%")).contains("not a valid tag");
        assertThat(TagTemplate.problem("%d65")).contains("1 to 64");
        assertThat(TagTemplate.problem("%d0")).contains("1 to 64");
        assertThat(TagTemplate.problem("v%")).contains("lone '%'");
        assertThat(TagTemplate.problem("%x")).contains("unknown placeholder %x");
        assertThat(TagTemplate.problem("-%n")).contains("not a valid tag");
        assertThat(TagTemplate.problem("%n-%Y%m%d-%d12")).isNull();
    }

    @Test
    void scanReportAdaptsToFacts() {
        var fixed = new io.gatehouse.core.report.Finding("CVE-2024-1", List.of("GHSA-x"), "openssl", "3.0.1", null, "deb", null, null, null,
                "3.0.2", io.gatehouse.core.report.Severity.CRITICAL, "debian", null, null, null, null, "osv");
        var unfixed = new io.gatehouse.core.report.Finding("CVE-2024-2", null, "zlib", "1.2", null, "deb", null, null, null,
                null, io.gatehouse.core.report.Severity.HIGH, null, null, null, null, null, "osv");
        var report = io.gatehouse.core.report.ScanReport.of(DIGEST.toString(), "team/app", null, "db-1", "0.1",
                NOW.minusSeconds(60), NOW.minusSeconds(30), List.of(unfixed, fixed));
        ScanFacts facts = ScanFacts.of(report);
        assertThat(facts.scannedAt()).isEqualTo(NOW.minusSeconds(30));
        assertThat(facts.findings()).extracting(ScanFacts.Finding::id, ScanFacts.Finding::severity, ScanFacts.Finding::fixable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("CVE-2024-1", "CRITICAL", true), org.assertj.core.groups.Tuple.tuple("CVE-2024-2", "HIGH", false));
        Policy p = policy("{\"vulnerabilities\":{\"maxCounts\":{\"critical\":0,\"high\":0},\"ignoreUnfixed\":true}}");
        Verdict v = evaluator.evaluate(p, input(facts, "1.0"));
        assertThat(only(v, "vulnerabilities.critical").passed()).isFalse();
        assertThat(only(v, "vulnerabilities.high").passed()).isTrue();
        assertThat(ScanFacts.of(report.withWarnings(List.of("OS is not detected"))).warnings())
                .containsExactly("OS is not detected");
    }
}
