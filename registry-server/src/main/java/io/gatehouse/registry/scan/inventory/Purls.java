package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.OsInfo;
import io.gatehouse.core.report.Package;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Package URLs (github.com/package-url/purl-spec) for the package types the inventory finds. */
public final class Purls {
    private Purls() {
    }

    public static String of(Package p, OsInfo os) {
        String v = enc(p.version());
        return switch (p.type()) {
            case "deb" -> {
                String ns = os != null && os.id() != null ? os.id() : "debian";
                yield "pkg:deb/" + enc(ns) + "/" + enc(p.name()) + "@" + v + qualifiers(p.arch(), distro(os),
                        p.sourceName() != null && !p.sourceName().equals(p.name()) ? p.sourceName() : null);
            }
            case "apk" -> {
                String ns = os != null && os.id() != null ? os.id() : "alpine";
                yield "pkg:apk/" + enc(ns) + "/" + enc(p.name()) + "@" + v
                        + qualifiers(p.arch(), os != null ? os.versionId() : null, null);
            }
            case "maven" -> {
                int c = p.name().indexOf(':');
                yield c < 0 ? "pkg:maven/" + enc(p.name()) + "@" + v
                        : "pkg:maven/" + enc(p.name().substring(0, c)) + "/" + enc(p.name().substring(c + 1)) + "@" + v;
            }
            case "npm" -> {
                String n = p.name();
                if (n.startsWith("@") && n.contains("/")) {
                    int s = n.indexOf('/');
                    yield "pkg:npm/" + enc(n.substring(0, s)) + "/" + enc(n.substring(s + 1)) + "@" + v;
                }
                yield "pkg:npm/" + enc(n) + "@" + v;
            }
            case "pypi" -> "pkg:pypi/" + enc(pypiName(p.name())) + "@" + v;
            default -> "pkg:generic/" + enc(p.name()) + "@" + v;
        };
    }

    /** PEP 503 normalisation, which purl's pypi type asks for: lower case, runs of -_. become one dash. */
    public static String pypiName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    private static String distro(OsInfo os) {
        if (os == null || os.id() == null) {
            return null;
        }
        return os.versionId() == null ? os.id() : os.id() + "-" + os.versionId();
    }

    private static String qualifiers(String arch, String distro, String upstream) {
        StringBuilder q = new StringBuilder();
        if (arch != null) {
            q.append("arch=").append(enc(arch));
        }
        if (distro != null) {
            q.append(q.isEmpty() ? "" : "&").append("distro=").append(enc(distro));
        }
        if (upstream != null) {
            q.append(q.isEmpty() ? "" : "&").append("upstream=").append(enc(upstream));
        }
        return q.isEmpty() ? "" : "?" + q;
    }

    /** Percent-encodes everything but unreserved characters (RFC 3986), as the purl spec asks. */
    static String enc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
