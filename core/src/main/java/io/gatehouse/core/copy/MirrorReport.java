package io.gatehouse.core.copy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.reference.Digest;

import java.util.List;

/**
 * The result of a mirror run: per tag what happened and why, bytes moved and time taken; {@code stoppedReason} when
 * the run stopped early (the upstream's pull quota ran out: it says when it returns). JSON via {@link #toJson()}.
 */
public record MirrorReport(String source, String target, String filter, boolean dryRun, List<TagResult> tags, long bytesMoved,
                           long durationMillis, String stoppedReason, String rateLimit) {

    public enum Status { COPIED, UNCHANGED, WOULD_COPY, FAILED }

    /** @param action what the plan said (NEW, CHANGED, UNCHANGED); {@code reason} explains a failure */
    public record TagResult(String tag, Status status, MirrorPlan.Action action, Digest sourceDigest, Digest targetDigest,
                            long bytes, String reason) {
    }

    public List<TagResult> copied() {
        return with(Status.COPIED);
    }

    public List<TagResult> skipped() {
        return with(Status.UNCHANGED);
    }

    public List<TagResult> failed() {
        return with(Status.FAILED);
    }

    public List<TagResult> planned() {
        return with(Status.WOULD_COPY);
    }

    private List<TagResult> with(Status s) {
        return tags.stream().filter(t -> t.status() == s).toList();
    }

    public boolean ok() {
        return failed().isEmpty() && stoppedReason == null;
    }

    public String toJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same report naming the target as {@code target} (e.g. as the user typed it). */
    public MirrorReport withTarget(String target) {
        return new MirrorReport(source, target, filter, dryRun, tags, bytesMoved, durationMillis, stoppedReason, rateLimit);
    }

    /** One paragraph for a console. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(dryRun ? "dry run: " : "").append(source).append(" -> ").append(target).append(" (").append(filter).append("): ");
        if (dryRun) sb.append(planned().size()).append(" to copy, ");
        else sb.append(copied().size()).append(" copied, ");
        sb.append(skipped().size()).append(" unchanged, ").append(failed().size()).append(" failed; ")
                .append(humanBytes(bytesMoved)).append(" moved in ").append(String.format("%.1fs", durationMillis / 1000.0));
        for (TagResult t : tags) {
            if (t.status() == Status.FAILED) sb.append("\n  FAILED ").append(t.tag()).append(": ").append(t.reason());
            else if (t.status() != Status.UNCHANGED) sb.append("\n  ").append(t.status()).append(' ').append(t.tag()).append(" (").append(t.action()).append(") ").append(t.sourceDigest());
        }
        if (stoppedReason != null) sb.append("\n  STOPPED: ").append(stoppedReason);
        if (rateLimit != null) sb.append("\n  upstream quota: ").append(rateLimit);
        return sb.toString();
    }

    public static String humanBytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format("%.1f MiB", b / (1024.0 * 1024));
        return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
