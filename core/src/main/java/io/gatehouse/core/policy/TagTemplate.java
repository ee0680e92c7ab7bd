package io.gatehouse.core.policy;

import io.gatehouse.core.reference.Digest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * Target tag templates for promotion: {@code %n} the source tag, {@code %Y} {@code %m} {@code %d} the UTC date
 * (4, 2, 2 digits), {@code %dN} the first N (1–64) hex characters of the digest, {@code %%} a percent sign; other
 * characters are copied. {@code %d} followed by digits is always a digest prefix, so write a day followed by digits
 * with a separator ({@code %Y%m%d-1}).
 */
public final class TagTemplate {
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private TagTemplate() {
    }

    /** Null when the template is well-formed, else what is wrong (for validation messages). */
    public static String problem(String template) {
        try {
            render(template, "latest", Digest.sha256(new byte[0]), Instant.EPOCH);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Renders the template; {@link IllegalArgumentException} when it needs a source tag and there is none, or the
     * result is not a valid tag.
     */
    public static String render(String template, String sourceTag, Digest digest, Instant now) {
        LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 >= template.length()) throw new IllegalArgumentException("tag template ends with a lone '%'");
            char k = template.charAt(++i);
            switch (k) {
                case '%' -> out.append('%');
                case 'n' -> {
                    if (sourceTag == null) throw new IllegalArgumentException("tag template uses %n but the image has no source tag");
                    out.append(sourceTag);
                }
                case 'Y' -> out.append(String.format("%04d", date.getYear()));
                case 'm' -> out.append(String.format("%02d", date.getMonthValue()));
                case 'd' -> {
                    int j = i + 1;
                    while (j < template.length() && Character.isDigit(template.charAt(j))) j++;
                    if (j == i + 1) {
                        out.append(String.format("%02d", date.getDayOfMonth()));
                    } else {
                        int n = Integer.parseInt(template.substring(i + 1, Math.min(j, i + 4)));
                        if (j - i - 1 > 2 || n < 1 || n > 64) throw new IllegalArgumentException("digest prefix length in %d" + template.substring(i + 1, j) + " must be 1 to 64");
                        out.append(digest.hex(), 0, Math.min(n, digest.hex().length()));
                        i = j - 1;
                    }
                }
                default -> throw new IllegalArgumentException("unknown placeholder %" + k + " in tag template (use %n, %Y, %m, %d, %dN or %%)");
            }
        }
        String tag = out.toString();
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag template gives '" + (tag.length() > 140 ? tag.substring(0, 140) + "…" : tag)
                    + "', which is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})");
        }
        return tag;
    }
}
