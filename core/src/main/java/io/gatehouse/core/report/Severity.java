package io.gatehouse.core.report;

import java.util.Locale;

/**
 * Severity of a finding, in increasing order: {@code compareTo} and {@link #atLeast} follow that order, so policies
 * can say "HIGH or worse". UNKNOWN sorts lowest because it carries no evidence of harm; policies that want to treat it
 * as dangerous say so explicitly.
 */
public enum Severity {
    UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /**
     * CVSS v3.x / v4.0 qualitative rating of a base score (FIRST's table: 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high,
     * 9.0–10.0 critical). FIRST calls 0.0 "none"; we still report such a vulnerability, as LOW.
     */
    public static Severity fromCvssScore(double score) {
        if (Double.isNaN(score) || score < 0) {
            return UNKNOWN;
        }
        if (score >= 9.0) {
            return CRITICAL;
        }
        if (score >= 7.0) {
            return HIGH;
        }
        if (score >= 4.0) {
            return MEDIUM;
        }
        return LOW;
    }

    /**
     * Reads the words vendors use: CVSS ratings, GitHub's MODERATE, Debian's urgencies (low, medium, high,
     * unimportant, with a trailing "*" or "**" meaning "set without a DSA"), Red Hat's important. Anything
     * else (including Debian's "not yet assigned") is null: "no vendor severity", not "UNKNOWN severity".
     */
    public static Severity parseVendor(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT).replace("*", "").trim();
        return switch (t) {
            case "critical" -> CRITICAL;
            case "high", "important" -> HIGH;
            case "medium", "moderate" -> MEDIUM;
            case "low", "unimportant", "negligible", "minor" -> LOW;
            default -> null;
        };
    }

    /** Strict parse of our own names, case-insensitive (for policies and queries). */
    public static Severity parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
