package io.gatehouse.jenkins.service;

import java.util.Locale;

/** Vulnerability severities, worst first in {@link #values()} order reversed: UNKNOWN &lt; LOW &lt; ... &lt; CRITICAL. */
public enum Severity {
    UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL;

    public static Severity parse(String text) {
        try {
            return Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown severity '" + text + "': use one of LOW, MEDIUM, HIGH, CRITICAL");
        }
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
