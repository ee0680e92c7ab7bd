package io.gatehouse.registry.scan.vulndb;

import java.util.HashMap;
import java.util.Map;

/**
 * CVSS v3.0/v3.1 base score from a vector string, per FIRST's specification (section 7.1 formulas and the 3.1
 * Roundup). OSV records carry vectors, not scores; this turns them into a severity when no vendor gave one.
 */
public final class Cvss3 {
    private Cvss3() {
    }

    /** The base score, or null when the vector is not a complete CVSS v3 base vector. */
    public static Double baseScore(String vector) {
        if (vector == null || !vector.startsWith("CVSS:3.")) {
            return null;
        }
        Map<String, String> m = new HashMap<>();
        for (String part : vector.split("/")) {
            int c = part.indexOf(':');
            if (c > 0) {
                m.put(part.substring(0, c), part.substring(c + 1));
            }
        }
        try {
            boolean changed = "C".equals(m.get("S"));
            if (!"C".equals(m.get("S")) && !"U".equals(m.get("S"))) {
                return null;
            }
            double av = switch (m.get("AV")) {
                case "N" -> 0.85;
                case "A" -> 0.62;
                case "L" -> 0.55;
                case "P" -> 0.2;
                default -> throw new IllegalArgumentException();
            };
            double ac = switch (m.get("AC")) {
                case "L" -> 0.77;
                case "H" -> 0.44;
                default -> throw new IllegalArgumentException();
            };
            double pr = switch (m.get("PR")) {
                case "N" -> 0.85;
                case "L" -> changed ? 0.68 : 0.62;
                case "H" -> changed ? 0.5 : 0.27;
                default -> throw new IllegalArgumentException();
            };
            double ui = switch (m.get("UI")) {
                case "N" -> 0.85;
                case "R" -> 0.62;
                default -> throw new IllegalArgumentException();
            };
            double c = cia(m.get("C"));
            double i = cia(m.get("I"));
            double a = cia(m.get("A"));
            double iss = 1 - (1 - c) * (1 - i) * (1 - a);
            double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
            double exploitability = 8.22 * av * ac * pr * ui;
            if (impact <= 0) {
                return 0.0;
            }
            return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
                    : roundUp(Math.min(impact + exploitability, 10));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double cia(String v) {
        return switch (v) {
            case "H" -> 0.56;
            case "L" -> 0.22;
            case "N" -> 0.0;
            default -> throw new IllegalArgumentException();
        };
    }

    /** CVSS 3.1 Appendix A: the smallest number with one decimal that is ≥ x, robust to floating-point noise. */
    static double roundUp(double x) {
        long intInput = Math.round(x * 100000);
        if (intInput % 10000 == 0) {
            return intInput / 100000.0;
        }
        return (Math.floor(intInput / 10000.0) + 1) / 10.0;
    }
}
