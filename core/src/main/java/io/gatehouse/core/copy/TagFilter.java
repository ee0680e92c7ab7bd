package io.gatehouse.core.copy;

import io.gatehouse.core.regex.BoundedMatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which upstream tags a mirror takes: a regular expression (whole tag), a version range, and "the newest N" — applied
 * in that order, all optional. "Newest" means the highest versions (tags that are not versions, like {@code latest},
 * are left out when N is set): the tag list carries no dates, and reading every image's config for its creation time
 * would cost one pull per tag against Docker Hub's quota.
 * <p>
 * The regular expression is the user's and the tags are the upstream's, and a registry runs mirrors itself: a
 * pattern that backtracks catastrophically on a tag is matched with a step budget ({@link BoundedMatch}); a tag it
 * cannot judge within that budget is not taken, and is named in {@link Selection#unjudged()} so the mirror reports why.
 */
public record TagFilter(Pattern regex, SemverRange range, Integer newest) {

    public TagFilter {
        if (newest != null && newest < 1) throw new IllegalArgumentException("newest must be at least 1");
    }

    public static TagFilter all() {
        return new TagFilter(null, null, null);
    }

    /** From CLI/API text; each argument may be null or blank. */
    public static TagFilter of(String regex, String range, Integer newest) {
        Pattern p = null;
        if (regex != null && !regex.isBlank()) {
            try {
                p = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad tag regular expression '" + regex + "': " + e.getDescription());
            }
        }
        return new TagFilter(p, range == null || range.isBlank() ? null : SemverRange.parse(range), newest);
    }

    /**
     * @param tags     the tags the filter takes, sorted
     * @param unjudged tags left out because the regular expression needs more than its step budget on them
     */
    public record Selection(List<String> tags, List<String> unjudged) {
    }

    /** The tags the filter takes, sorted; those the regular expression cannot judge within its budget are left out. */
    public List<String> apply(List<String> tags) {
        return select(tags).tags();
    }

    public Selection select(List<String> tags) {
        List<String> out = new ArrayList<>();
        List<String> unjudged = new ArrayList<>();
        for (String t : tags) {
            try {
                if (regex != null && !BoundedMatch.matches(regex, t)) continue;
            } catch (BoundedMatch.TooExpensive e) {
                // not copied: taking a tag the user's filter may not want is worse than reporting one it could not judge
                unjudged.add(t);
                continue;
            }
            if (range != null && !range.matches(t)) continue;
            out.add(t);
        }
        if (newest != null) {
            out = new ArrayList<>(out.stream().filter(t -> SemverRange.parseVersion(t) != null).toList());
            out.sort(Comparator.<String, long[]>comparing(SemverRange::parseVersion, SemverRange::compare).thenComparing(String::length)
                    .thenComparing(Comparator.naturalOrder()));
            java.util.Collections.reverse(out);
            if (out.size() > newest) out = new ArrayList<>(out.subList(0, newest));
        }
        out.sort(Comparator.naturalOrder());
        unjudged.sort(Comparator.naturalOrder());
        return new Selection(List.copyOf(out), List.copyOf(unjudged));
    }

    /** Why {@code tag} was not taken, for a report: the regular expression could not judge it within its budget. */
    public String unjudgedReason() {
        return "the tag regular expression '" + (regex == null ? "" : regex.pattern()) + "' needs more than "
                + BoundedMatch.MAX_READS + " steps on this tag (catastrophic backtracking?), so the tag was not copied; simplify the pattern";
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (regex != null) parts.add("regex " + regex.pattern());
        if (range != null) parts.add("versions " + range);
        if (newest != null) parts.add("newest " + newest);
        return parts.isEmpty() ? "all tags" : String.join(", ", parts);
    }
}
