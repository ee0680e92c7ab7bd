package io.gatehouse.registry.ui.mirrors;

import java.util.List;

/** What the mirror pages render: immutable, already worded; JTE escapes every string (upstreams and targets are typed by users). */
public final class MirrorModel {
    private MirrorModel() {
    }

    public record RunRow(long id, String href, String requestedBy, String upstream, String target, String status, String counts,
                         String startedAt, String summary) {
    }

    /** @param mayStart whether to offer the start form's link (it is for anyone signed in; the API decides per target) */
    public record Runs(List<RunRow> runs, boolean mayStart) {
    }

    /** One tag of a run's report: what happened to it and why. */
    public record TagRow(String tag, String status, String why, String sourceDigest, String bytes) {
    }

    /**
     * One run. {@code refreshSeconds} is set while it runs: the page then reloads itself (a meta refresh, no script).
     *
     * @param stopped why the run stopped early, or null
     */
    public record Run(long id, String status, boolean running, String requestedBy, String upstream, String target,
                      String targetHref, String filter, boolean dryRun, String startedAt, String finishedAt, String duration,
                      String bytesMoved, String counts, String summary, String stopped, String rateLimit, List<TagRow> tags,
                      String refreshSeconds) {
    }

    /**
     * The start form as typed (never the password), with the API's refusal placed on its field.
     *
     * @param errors field name ("upstream", "target", "filter", "platforms", "credentials", "" for the form) to message
     */
    public record StartForm(String upstream, String target, String tags, String versions, String newest, String platforms,
                            boolean dryRun, boolean plainHttp, String username, java.util.Map<String, String> errors) {
        public String error(String field) {
            return errors.get(field);
        }

        public boolean invalid(String field) {
            return errors.containsKey(field);
        }
    }
}
