package io.gatehouse.jenkins.service;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.regex.Pattern;

/** The validation rules of the global configuration and the step forms, as plain Java (see {@link Check}). */
public final class ConfigChecks {
    private static final Pattern POLICY_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private ConfigChecks() {
    }

    public static Check registryUrl(String value) {
        if (value == null || value.isBlank()) {
            return Check.error("The registry URL is required, e.g. https://registry.example.com");
        }
        try {
            URI uri = URI.create(value.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                return Check.error("Use an http:// or https:// URL with a host");
            }
            if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                return Check.warning("The path is ignored: the registry API lives at /v2/ and /api/v1/ of the host");
            }
            if ("http".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
                return Check.warning("Plain HTTP sends credentials unencrypted; use https:// outside a test setup");
            }
            return Check.ok();
        } catch (IllegalArgumentException e) {
            return Check.error("Not a URL: " + e.getMessage());
        }
    }

    public static Check insecure(boolean value) {
        return value
                ? Check.warning("TLS certificates will NOT be verified: anyone on the network path can impersonate the registry. "
                        + "Prefer adding the registry's CA certificate.")
                : Check.ok();
    }

    public static Check caCertificate(String pem) {
        if (pem == null || pem.isBlank()) {
            return Check.ok();
        }
        try {
            var certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                return Check.error("No certificate found: paste one or more PEM blocks (-----BEGIN CERTIFICATE-----)");
            }
            return Check.ok(certs.size() + " certificate(s)");
        } catch (CertificateException | RuntimeException e) {
            return Check.error("Not a PEM certificate: " + e.getMessage());
        }
    }

    public static Check duration(String value) {
        try {
            Durations.parse(value);
            return Check.ok();
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    public static Check policyName(String value) {
        if (value == null || !POLICY_NAME.matcher(value).matches()) {
            return Check.error("Use lowercase letters, digits, '.', '_' or '-' (at most 63), e.g. no-critical");
        }
        return Check.ok();
    }

    /** A policy document in core's policy language: every schema and semantic error, with its JSON path. */
    public static Check policyDocument(String value) {
        try {
            io.gatehouse.core.policy.PolicyDocuments.parse(value);
            return Check.ok();
        } catch (io.gatehouse.core.policy.PolicyValidationException e) {
            var errors = e.errors();
            String shown = errors.stream().limit(5).map(Object::toString).collect(java.util.stream.Collectors.joining("; "));
            return Check.error(shown + (errors.size() > 5 ? " (and " + (errors.size() - 5) + " more)" : ""));
        }
    }

    /** A named policy as the form submits it. */
    public record PolicyEntry(String name, String document) {
    }

    /**
     * The whole list of named policies, as saved together: each name valid and unique, each document valid, and each
     * document's own {@code name} equal to its entry's name (the registry knows a policy by the name inside its document,
     * so a different one would publish and promote under another name). Every problem is listed with where it is:
     * {@code policies[2] 'release': $.conditions.vulnerabilities.maxCounts.critical: …}.
     */
    public static Check namedPolicies(java.util.List<PolicyEntry> entries) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            PolicyEntry e = entries.get(i);
            String where = "policies[" + i + "]" + (e.name() == null || e.name().isBlank() ? "" : " '" + e.name() + "'");
            Check name = policyName(e.name());
            if (name.kind() == Check.Kind.ERROR) {
                problems.add(where + ": name: " + name.message());
            } else if (!seen.add(e.name())) {
                problems.add(where + ": the name '" + e.name() + "' is used twice; each named policy needs its own");
            }
            try {
                var parsed = io.gatehouse.core.policy.PolicyDocuments.parse(e.document());
                if (e.name() != null && !e.name().equals(parsed.name())) {
                    problems.add(where + ": $.name: the document is named '" + parsed.name() + "', not '" + e.name() + "'");
                }
            } catch (io.gatehouse.core.policy.PolicyValidationException invalid) {
                invalid.errors().forEach(err -> problems.add(where + ": " + err));
            }
        }
        return problems.isEmpty() ? Check.ok() : Check.error(String.join("; ", problems));
    }

    /** One document as {@link #policyDocument(String)}, plus the check that its own name is the entry's name. */
    public static Check policyDocument(String value, String name) {
        Check c = policyDocument(value);
        if (c.kind() != Check.Kind.OK || name == null || name.isBlank()) {
            return c;
        }
        String inside = io.gatehouse.core.policy.PolicyDocuments.parse(value).name();
        return name.trim().equals(inside) ? c
                : Check.error("$.name: the document is named '" + inside + "', not '" + name.trim() + "': the registry knows a policy by that name");
    }

    public static Check image(String value) {
        try {
            ImageArgument.parse(value, "registry");
            return Check.ok();
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    public static Check repository(String value) {
        if (value == null || value.isBlank()) {
            return Check.error("A repository name is required, e.g. dev/alpine");
        }
        try {
            io.gatehouse.core.reference.RepositoryName.of(value.trim());
            return Check.ok();
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    public static Check severity(String value) {
        if (value == null || value.isBlank()) {
            return Check.ok();
        }
        try {
            FailOn.parse(value);
            return Check.ok();
        } catch (IllegalArgumentException e) {
            return Check.error(e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }
}
