package io.gatehouse.jenkins.service;

import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.Mirror;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.copy.MirrorSpec;
import io.gatehouse.core.copy.TagFilter;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryClientBuilder;
import io.gatehouse.core.remote.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a mirror in this JVM with core's copy engine ({@link Mirror}: list upstream tags, HEAD both sides, copy only
 * new and changed tags pinned to their digest). mirrorImage uses it for {@code onAgent: true}, inside a
 * FilePath callable, so the bytes flow agent → registry and never through the controller.
 */
public final class LocalMirror {
    private final ConnectionSettings target;
    private final RegistryAuth targetAuth;

    public LocalMirror(ConnectionSettings target, RegistryAuth targetAuth) {
        this.target = target;
        this.targetAuth = targetAuth == null ? RegistryAuth.ANONYMOUS : targetAuth;
    }

    public MirrorOutcome run(MirrorRequest request) throws IOException {
        // "docker.io/library/alpine", "ghcr.io/org/app", "localhost:5000/x"; a bare name means Docker Hub, as for docker pull.
        ImageArgument source = ImageArgument.parse(request.source(), "docker.io");
        String upstreamRepo = source.repository();
        if (source.registry().equals("docker.io") && !upstreamRepo.contains("/")) {
            upstreamRepo = "library/" + upstreamRepo;
        }
        Path caFile = null;
        try {
            RegistryClientBuilder upstreamBuilder = RegistryClient.builder(source.registry()).credentials(credentials(request.upstreamAuth()));
            RegistryClientBuilder targetBuilder = RegistryClient.builder(target.registryHost())
                    .credentials(targetAuth.username() == null ? null : credentials(targetAuth))
                    .plainHttp("http".equals(target.registryUrl().getScheme()))
                    .timeouts(target.connectTimeout(), target.connectTimeout().multipliedBy(4));
            if (!targetAuth.isAnonymous() && targetAuth.username() == null) {
                // A scoped bearer token from the controller (see GatehouseService.agentCredential): sent as it is on
                // every request; an application interceptor runs before redirects, so it never follows one elsewhere.
                String bearer = "Bearer " + new String(targetAuth.secret());
                targetBuilder.httpClient(new okhttp3.OkHttpClient.Builder().addInterceptor(chain -> chain.proceed(
                        chain.request().header("Authorization") != null ? chain.request()
                                : chain.request().newBuilder().header("Authorization", bearer).build())).build());
            }
            if (target.insecure()) {
                targetBuilder.tls(TlsOptions.insecure());
            } else if (target.caCertificatePem() != null && !target.caCertificatePem().isBlank()) {
                caFile = Files.createTempFile("gatehouse-ca", ".pem");
                Files.writeString(caFile, target.caCertificatePem(), StandardCharsets.US_ASCII);
                targetBuilder.tls(TlsOptions.withCa(caFile));
            }
            CopyOptions options = CopyOptions.defaults().withPlatforms(Platform.parseList(request.platforms()));
            Mirror mirror = new Mirror(upstreamBuilder.build(), targetBuilder.build(), options);
            MirrorReport report = mirror.run(MirrorSpec.of(upstreamRepo, request.target(), TagFilter.of(request.tags(), null, null))
                    .dryRun(request.dryRun()));
            return toOutcome(report, request.target());
        } catch (RuntimeException e) {
            // core reports registry failures as unchecked exceptions; the step turns this into a build failure.
            throw new IOException("mirror " + request.source() + " → " + request.target() + " failed: " + e.getMessage(), e);
        } finally {
            if (caFile != null) {
                Files.deleteIfExists(caFile);
            }
        }
    }

    private MirrorOutcome toOutcome(MirrorReport report, String targetRepo) {
        List<MirrorOutcome.Row> rows = new ArrayList<>();
        for (MirrorReport.TagResult t : report.tags()) {
            String action = switch (t.status()) {
                case COPIED -> "copied";
                case UNCHANGED -> "skipped";
                case WOULD_COPY -> "planned";
                case FAILED -> "failed";
            };
            String reason = switch (t.status()) {
                case UNCHANGED -> "up to date";
                case WOULD_COPY -> t.action() == null ? null : t.action().name().toLowerCase(Locale.ROOT);
                case FAILED -> t.reason();
                case COPIED -> MirrorReport.humanBytes(t.bytes());
            };
            var digest = t.sourceDigest() != null ? t.sourceDigest() : t.targetDigest();
            rows.add(new MirrorOutcome.Row(t.tag(), target.registryHost() + "/" + targetRepo + ":" + t.tag(),
                    digest == null ? null : digest.toString(), action, reason));
        }
        if (report.stoppedReason() != null) {
            rows.add(new MirrorOutcome.Row("-", null, null, "stopped", report.stoppedReason()));
        }
        return new MirrorOutcome(rows);
    }

    private static Credentials credentials(RegistryAuth auth) {
        if (auth == null || auth.isAnonymous()) {
            return null;
        }
        if (auth.username() == null) {
            // Registries (ours included: service accounts log in as name + token) want a user name with the secret.
            throw new IllegalArgumentException("mirroring needs a username/password credential (for a service account: its name and token)");
        }
        return Credentials.basic(auth.username(), new String(auth.secret()));
    }
}
