package io.gatehouse.registry.scan.match;

import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.OsInfo;
import io.gatehouse.core.report.Package;
import io.gatehouse.core.report.Sbom;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.inventory.Purls;
import io.gatehouse.registry.scan.version.Comparators;
import io.gatehouse.registry.scan.version.VersionComparator;
import io.gatehouse.registry.scan.vulndb.Advisory;
import io.gatehouse.registry.scan.vulndb.NvdEntry;
import io.gatehouse.registry.scan.vulndb.VulnDb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches an inventory against the vulnerability database. Each package is looked up in its ecosystem by the name
 * its advisories use — Debian and Alpine packages by their SOURCE package (libc6 → glibc, libcrypto3 → openssl),
 * compared at the source version — and placed in the advisory's ranges with that ecosystem's comparator.
 *
 * <p>Severity, and where it came from: the vendor's own (Debian's urgency for that release, GitHub's advisory
 * severity…), else NVD's CVSS v3.x base score, else NVD's CVSS v4.0, else the CVSS v3 vector the advisory itself
 * carries, else UNKNOWN.
 */
public final class Matcher {
    private final VulnDb db;

    public Matcher(VulnDb db) {
        this.db = db;
    }

    /** Debian testing and sid: their os-release has no VERSION_ID; the tracker's data for them is "sid". */
    public static final String DEBIAN_SID = "Debian:sid";

    /** The OSV ecosystem an image's OS packages are published under, or null when we have no feed for it. */
    public static String osEcosystem(String type, OsInfo os) {
        if (os == null || os.id() == null) {
            return null;
        }
        if (os.versionId() == null) {
            // testing and sid share one os-release (PRETTY_NAME "Debian GNU/Linux trixie/sid", no VERSION_ID);
            // sid's data is the newest: a testing package older than sid's fix is still reported as affected
            return type.equals("deb") && os.id().equals("debian") ? DEBIAN_SID : null;
        }
        String v = os.versionId();
        return switch (type) {
            case "deb" -> switch (os.id()) {
                case "debian" -> "Debian:" + (v.contains(".") ? v.substring(0, v.indexOf('.')) : v);
                case "ubuntu" -> "Ubuntu:" + v;
                default -> null;
            };
            case "apk" -> {
                if (!os.id().equals("alpine")) {
                    yield null;
                }
                String[] parts = v.split("\\.");
                yield parts.length >= 2 ? "Alpine:v" + parts[0] + "." + parts[1] : "Alpine:v" + v;
            }
            default -> null;
        };
    }

    /**
     * What this inventory's matching cannot judge, in words for the report: OS packages on an OS that was not
     * detected, or one the database has no data for. Trivy says "OS is not detected" and reports nothing; we say
     * so in the report, so zero findings there is not read as a clean image.
     */
    public List<String> warnings(Sbom sbom) {
        Map<String, Integer> osPackages = new LinkedHashMap<>();
        for (Package p : sbom.packages()) {
            if (p.type().equals("deb") || p.type().equals("apk")) {
                osPackages.merge(p.type(), 1, Integer::sum);
            }
        }
        List<String> warnings = new ArrayList<>();
        OsInfo os = sbom.os();
        osPackages.forEach((type, n) -> {
            String eco = osEcosystem(type, os);
            if (os == null || os.id() == null) {
                warnings.add("OS is not detected (no etc/os-release or usr/lib/os-release): " + n + " " + type
                        + " packages were not matched against any vulnerability data");
            } else if (eco == null) {
                warnings.add("no vulnerability data for the OS " + describe(os) + ": " + n + " " + type
                        + " packages were not matched");
            } else if (!db.hasEcosystem(eco)) {
                warnings.add("the vulnerability database has no data for " + eco + " (" + describe(os) + "): "
                        + n + " " + type + " packages were not matched");
            }
        });
        return warnings;
    }

    private static String describe(OsInfo os) {
        return os.prettyName() != null ? os.prettyName()
                : os.id() + (os.versionId() != null ? " " + os.versionId() : "");
    }

    private record Key(String ecosystem, String name, String version) {
    }

    private static Key keyOf(Package p, OsInfo os) {
        return switch (p.type()) {
            case "deb", "apk" -> {
                String eco = osEcosystem(p.type(), os);
                yield eco == null ? null : new Key(eco, p.sourceName() != null ? p.sourceName() : p.name(),
                        p.sourceVersion() != null ? p.sourceVersion() : p.version());
            }
            case "maven" -> p.name().contains(":") ? new Key("Maven", p.name(), p.version()) : null;
            case "npm" -> new Key("npm", p.name(), p.version());
            case "pypi" -> new Key("PyPI", Purls.pypiName(p.name()), p.version());
            default -> null;
        };
    }

    public List<Finding> match(Sbom sbom) {
        Map<Package, Key> keys = new LinkedHashMap<>();
        Map<String, Set<String>> namesByEcosystem = new HashMap<>();
        for (Package p : sbom.packages()) {
            Key k = keyOf(p, sbom.os());
            if (k != null) {
                keys.put(p, k);
                namesByEcosystem.computeIfAbsent(k.ecosystem, e -> new LinkedHashSet<>()).add(k.name);
            }
        }
        Map<String, Map<String, List<VulnDb.Candidate>>> candidates = new HashMap<>();
        namesByEcosystem.forEach((eco, names) -> candidates.put(eco, db.candidates(eco, names)));

        Map<String, Optional<NvdEntry>> nvdCache = new HashMap<>();
        Map<String, Finding> findings = new LinkedHashMap<>();
        for (Map.Entry<Package, Key> e : keys.entrySet()) {
            Package p = e.getKey();
            Key k = e.getValue();
            VersionComparator cmp = Comparators.forEcosystem(k.ecosystem);
            for (VulnDb.Candidate c : candidates.get(k.ecosystem).getOrDefault(k.name, List.of())) {
                RangeEvaluator.Verdict v = RangeEvaluator.evaluate(k.version, c.affected(), cmp);
                if (!v.affected()) {
                    continue;
                }
                Finding f = finding(p, c, v, nvdCache);
                String dedupe = f.vulnerabilityId() + "|" + p.purl() + "|" + p.location();
                Finding prior = findings.get(dedupe);
                if (prior == null || better(f, prior)) {
                    findings.put(dedupe, prior == null ? f : mergeAliases(f, prior));
                } else {
                    findings.put(dedupe, mergeAliases(prior, f));
                }
            }
        }
        return new ArrayList<>(findings.values());
    }

    /** Of two feeds reporting the same CVE on the same package, prefer the one that knows a fix, then a vendor one. */
    private static boolean better(Finding f, Finding prior) {
        if (f.fixable() != prior.fixable()) {
            return f.fixable();
        }
        return prior.severity() == Severity.UNKNOWN && f.severity() != Severity.UNKNOWN;
    }

    private static Finding mergeAliases(Finding keep, Finding other) {
        Set<String> aliases = new LinkedHashSet<>(keep.aliases());
        aliases.addAll(other.aliases());
        if (!other.vulnerabilityId().equals(keep.vulnerabilityId())) {
            aliases.add(other.vulnerabilityId());
        }
        aliases.remove(keep.vulnerabilityId());
        return new Finding(keep.vulnerabilityId(), new ArrayList<>(aliases), keep.packageName(),
                keep.installedVersion(), keep.purl(), keep.packageType(), keep.sourcePackage(), keep.layerDigest(),
                keep.location(), keep.fixedVersion(), keep.severity(), keep.severitySource(), keep.cvssScore(),
                keep.cvssVector(), keep.title(), keep.description(), keep.dataSource());
    }

    private Finding finding(Package p, VulnDb.Candidate c, RangeEvaluator.Verdict v,
                            Map<String, Optional<NvdEntry>> nvdCache) {
        Advisory a = c.advisory();
        String id = a.id();
        List<String> aliases = new ArrayList<>(a.aliases());
        if (!id.startsWith("CVE-")) {
            String cve = aliases.stream().filter(x -> x.startsWith("CVE-")).findFirst().orElse(null);
            if (cve != null) {
                aliases.remove(cve);
                aliases.add(0, id);
                id = cve;
            }
        }
        String cveId = id.startsWith("CVE-") ? id : null;
        NvdEntry nvd = cveId == null ? null : nvdCache.computeIfAbsent(cveId, db::nvd).orElse(null);

        Severity severity = Severity.UNKNOWN;
        String severitySource = null;
        if (c.affected().severity() != null) {
            severity = c.affected().severity();
            severitySource = c.affected().severitySource();
        } else if (a.severity() != null) {
            severity = a.severity();
            severitySource = a.severitySource();
        } else if (nvd != null && nvd.v3Score() != null) {
            severity = Severity.fromCvssScore(nvd.v3Score());
            severitySource = "nvd-cvss-v3";
        } else if (nvd != null && nvd.v4Score() != null) {
            severity = Severity.fromCvssScore(nvd.v4Score());
            severitySource = "nvd-cvss-v4";
        } else if (a.cvssScore() != null) {
            severity = Severity.fromCvssScore(a.cvssScore());
            severitySource = a.source() + "-cvss-v3";
        }
        Double score = nvd != null && nvd.v3Score() != null ? nvd.v3Score()
                : nvd != null && nvd.v4Score() != null ? nvd.v4Score() : a.cvssScore();
        String vector = nvd != null && nvd.v3Vector() != null ? nvd.v3Vector()
                : nvd != null && nvd.v4Vector() != null ? nvd.v4Vector() : a.cvssVector();
        String description = a.description() != null ? a.description() : nvd != null ? nvd.description() : null;
        // always named for OS packages, also when source and binary share a name: consumers group findings by it
        String source = p.sourceName() != null ? p.sourceName()
                : p.type().equals("deb") || p.type().equals("apk") ? p.name() : null;
        return new Finding(id, aliases, p.name(), p.version(), p.purl(), p.type(), source, p.layerDigest(),
                p.location(), v.fixedVersion(), severity, severitySource, score, vector, a.title(), description,
                a.source());
    }
}
