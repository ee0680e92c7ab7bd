package io.gatehouse.registry.trust;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.policy.ScanFacts;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.Referrer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Scan reports stored as OCI artifacts referring to the image (artifactType {@link ScanReport#MEDIA_TYPE}, the
 * report JSON as the first layer): the newest by {@code finishedAt} wins. This is the layout the scan issue
 * describes; if the scanner stores reports differently, it provides its own {@link ScanReports}.
 */
public final class ReferrerScanReports implements ScanReports {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final long MAX_REPORT_BYTES = 64L * 1024 * 1024;
    private final ContentService content;

    public ReferrerScanReports(ContentService content) {
        this.content = content;
    }

    @Override
    public Optional<ScanFacts> latest(String repository, Digest digest) {
        ScanFacts best = null;
        for (Referrer r : content.referrers(repository, digest, ScanReport.MEDIA_TYPE)) {
            Optional<ScanFacts> facts = read(repository, r.digest());
            if (facts.isPresent() && (best == null || facts.get().scannedAt().isAfter(best.scannedAt()))) best = facts.get();
        }
        return Optional.ofNullable(best);
    }

    private Optional<ScanFacts> read(String repository, Digest manifestDigest) {
        try {
            var m = content.getManifest(repository, manifestDigest);
            if (m.isEmpty()) return Optional.empty();
            JsonNode layer = JSON.readTree(m.get().bytes()).path("layers").path(0);
            Digest blob = Digest.parse(layer.path("digest").asText());
            if (layer.path("size").asLong(Long.MAX_VALUE) > MAX_REPORT_BYTES) return Optional.empty();
            try (InputStream in = content.openBlob(repository, blob)) {
                ScanReport report = JSON.readValue(in, ScanReport.class);
                ScanFacts facts = ScanFacts.of(report);
                return facts.scannedAt().isAfter(Instant.EPOCH) ? Optional.of(facts) : Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable report is no report: the policy then says "not scanned"
        }
    }
}
