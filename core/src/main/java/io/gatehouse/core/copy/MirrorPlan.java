package io.gatehouse.core.copy;

import io.gatehouse.core.reference.Digest;

import java.util.List;

/**
 * What a mirror run will do, decided from HEAD requests only: for each selected upstream tag, whether it is new,
 * changed (upstream digest differs from the target's) or unchanged. The target's tags are the state of the previous
 * run: nothing is kept anywhere else.
 *
 * @param unjudged upstream tags the filter's regular expression could not judge within its step budget (not copied)
 */
public record MirrorPlan(String source, String target, String filter, int upstreamTags, List<Entry> entries, List<String> unjudged) {

    public enum Action { NEW, CHANGED, UNCHANGED }

    /** @param targetDigest what the target's tag pointed at before this run (null for NEW) */
    public record Entry(String tag, Action action, Digest sourceDigest, Digest targetDigest) {
    }

    public List<Entry> toCopy() {
        return entries.stream().filter(e -> e.action != Action.UNCHANGED).toList();
    }
}
