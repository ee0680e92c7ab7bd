package io.gatehouse.core.policy;

import io.gatehouse.core.regex.BoundedMatch;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates a {@link Policy} against a {@link PolicyInput}: the same code in the registry (promotion, gates) and in
 * the Jenkins plugin. Pure apart from the {@link Clock} (allowlist expiry, report age, promotion dates), so tests
 * pin time. Conditions are evaluated in document order — scan report, signatures, tag — and all of them are
 * reported, not just the first failure, so one run tells a user everything to fix.
 */
public final class PolicyEvaluator {
    /** How many ids a reason lists before "and N more". */
    private static final int LISTED = 10;
    private final Clock clock;

    public PolicyEvaluator(Clock clock) {
        this.clock = clock;
    }

    public Verdict evaluate(Policy policy, PolicyInput input) {
        List<ConditionResult> out = new ArrayList<>();
        Policy.Conditions c = policy.conditions();
        boolean needsReport = c.report() != null || (c.vulnerabilities() != null && !c.vulnerabilities().maxCounts().isEmpty());
        if (needsReport && input.scan() != null && input.scan().imageDigest() != null
                && !input.scan().imageDigest().equals(input.digest().toString())) {
            out.add(new ConditionResult("report.digest", input.digest().toString(), input.scan().imageDigest(), false,
                    "the scan report is about another image"));
        }
        if (c.report() != null) out.add(reportAge(c.report(), input.scan()));
        if (c.vulnerabilities() != null) out.addAll(vulnerabilities(c.vulnerabilities(), input.scan()));
        if (c.signatures() != null) out.addAll(signatures(c.signatures(), input.signatureKeyIds()));
        if (c.tag() != null) out.add(tag(c.tag(), input.tag()));
        boolean passed = out.stream().allMatch(ConditionResult::passed);
        return new Verdict(policy.name(), passed, out);
    }

    private ConditionResult reportAge(Policy.ReportAge rule, ScanFacts scan) {
        Duration max = rule.maxAgeDuration();
        String expected = "scan report at most " + rule.maxAge() + " old";
        if (scan == null) return new ConditionResult("report.maxAge", expected, "no scan report", false, "the image has not been scanned");
        Duration age = Duration.between(scan.scannedAt(), clock.instant());
        String actual = human(age) + " old (scanned " + scan.scannedAt() + ")";
        boolean ok = age.compareTo(max) <= 0;
        return new ConditionResult("report.maxAge", expected, actual, ok, ok ? "" : "the scan report is too old: scan the image again");
    }

    private List<ConditionResult> vulnerabilities(Policy.Vulnerabilities rule, ScanFacts scan) {
        List<ConditionResult> out = new ArrayList<>();
        if (scan != null && !scan.warnings().isEmpty() && !rule.maxCounts().isEmpty()) {
            // Counts from a scan that could not judge part of the image (no OS identified, no data for it) prove
            // nothing: "0 critical" there means "not looked at", so a limit on them cannot be said to hold.
            out.add(new ConditionResult("report.complete", "a scan that judged every package",
                    "incomplete: " + String.join("; ", scan.warnings()), false,
                    "the scanner could not judge every package, so the vulnerability limits cannot be checked"));
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (String severity : ScanFacts.SEVERITIES) {
            Integer max = rule.maxCounts().get(severity.toLowerCase(Locale.ROOT));
            if (max == null) continue;
            String name = "vulnerabilities." + severity.toLowerCase(Locale.ROOT);
            String expected = "at most " + max + " " + severity + (rule.ignoreUnfixed() ? " (fixable only)" : "");
            if (scan == null) {
                out.add(new ConditionResult(name, expected, "no scan report", false, "the image has not been scanned"));
                continue;
            }
            List<String> counted = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            int unfixed = 0;
            Set<String> allowed = new LinkedHashSet<>();
            for (ScanFacts.Finding f : scan.findings()) {
                if (!f.severity().equals(severity)) continue;
                if (rule.ignoreUnfixed() && !f.fixable()) {
                    unfixed++;
                    continue;
                }
                Optional<Policy.AllowlistEntry> entry = rule.allowlist().stream().filter(e -> f.hasId(e.id())).findFirst();
                if (entry.isPresent()) {
                    if (!today.isAfter(entry.get().expiresOn())) {
                        allowed.add(f.id() + " (" + entry.get().reason() + ", until " + entry.get().expires() + ")");
                        continue;
                    }
                    notes.add("the allowlist entry for " + entry.get().id() + " expired on " + entry.get().expires());
                }
                counted.add(f.packageName() == null ? f.id() : f.id() + " in " + f.packageName());
            }
            List<String> distinct = counted.stream().distinct().toList();
            boolean ok = distinct.size() <= max;
            StringBuilder reason = new StringBuilder();
            if (!ok) reason.append(distinct.size()).append(" over the limit of ").append(max).append(": ").append(list(distinct));
            else if (!distinct.isEmpty()) reason.append("within the limit: ").append(list(distinct));
            if (!allowed.isEmpty()) append(reason, "allowlisted: " + list(new ArrayList<>(allowed)));
            if (unfixed > 0) append(reason, unfixed + " without a fix ignored");
            for (String n : notes.stream().distinct().toList()) append(reason, n);
            out.add(new ConditionResult(name, expected, String.valueOf(distinct.size()), ok, reason.toString()));
        }
        return out;
    }

    private List<ConditionResult> signatures(Policy.Signatures rule, Set<String> signedBy) {
        List<ConditionResult> out = new ArrayList<>();
        String actual = signedBy.isEmpty() ? "no valid signature" : "signed by " + String.join(", ", signedBy);
        if (rule.anyOf() != null) {
            boolean ok = rule.anyOf().stream().anyMatch(signedBy::contains);
            out.add(new ConditionResult("signatures.anyOf", "signed by one of " + String.join(", ", rule.anyOf()), actual, ok,
                    ok ? "" : "no valid signature by any of the required keys"));
        }
        if (rule.allOf() != null) {
            List<String> missing = rule.allOf().stream().filter(k -> !signedBy.contains(k)).toList();
            out.add(new ConditionResult("signatures.allOf", "signed by all of " + String.join(", ", rule.allOf()), actual, missing.isEmpty(),
                    missing.isEmpty() ? "" : "missing a valid signature by " + String.join(", ", missing)));
        }
        return out;
    }

    private static ConditionResult tag(Policy.TagPattern rule, String tag) {
        String expected = "tag matching " + rule.pattern();
        if (tag == null) return new ConditionResult("tag.pattern", expected, "no tag", false, "the image is addressed by digest only");
        try {
            boolean ok = BoundedMatch.matches(Pattern.compile(rule.pattern()), tag);
            return new ConditionResult("tag.pattern", expected, tag, ok, ok ? "" : "the tag does not match the pattern");
        } catch (BoundedMatch.TooExpensive e) {
            // fails closed: a gate that cannot tell does not let the image through
            return new ConditionResult("tag.pattern", expected, tag, false,
                    "the pattern is too expensive to evaluate on this tag (" + e.getMessage() + "); simplify it");
        }
    }

    private static String list(List<String> items) {
        if (items.size() <= LISTED) return String.join(", ", items);
        return items.subList(0, LISTED).stream().collect(Collectors.joining(", ")) + " and " + (items.size() - LISTED) + " more";
    }

    private static void append(StringBuilder sb, String s) {
        if (!sb.isEmpty()) sb.append("; ");
        sb.append(s);
    }

    private static String human(Duration d) {
        if (d.isNegative()) return "0s";
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        if (days > 0) return days + "d " + hours + "h";
        if (hours > 0) return hours + "h " + minutes + "m";
        return minutes + "m " + d.toSecondsPart() + "s";
    }

    /** The promotion target for an image that passed: repository and rendered tag (UTC date from the clock). */
    public PromotionTarget promotionTarget(Policy policy, PolicyInput input) {
        if (policy.promotion() == null) throw new IllegalStateException("policy " + policy.name() + " has no promotion section");
        String tag = TagTemplate.render(policy.promotion().effectiveTagTemplate(), input.tag(), input.digest(), clock.instant());
        return new PromotionTarget(policy.promotion().targetRepository(), tag);
    }

    public record PromotionTarget(String repository, String tag) {
    }
}
