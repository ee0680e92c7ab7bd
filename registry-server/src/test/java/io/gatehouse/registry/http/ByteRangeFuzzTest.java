package io.gatehouse.registry.http;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Range (blob GET) and Content-Range (upload PATCH/PUT) headers as a client may send them. Input: the blob size on
 * the first line, the header value after it. Properties: no exception escapes; a Range either is ignored, is
 * unsatisfiable, or lies inside the blob; a Content-Range is null or a range whose length is a positive long; both
 * read their own canonical form back the same.
 */
class ByteRangeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void rangeAndContentRange(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        long size = 1000;
        if (nl >= 0) {
            try {
                size = Math.max(0, Long.parseLong(text.substring(0, nl).trim()));
            } catch (NumberFormatException ignored) {
                // keep the default size
            }
        }
        String header = nl >= 0 ? text.substring(nl + 1) : text;

        long[] r = ByteRange.parse(header, size);
        if (r != null && r != ByteRange.UNSATISFIABLE) {
            assertThat(r).hasSize(2);
            assertThat(r[0]).isBetween(0L, r[1]);
            assertThat(r[1]).isLessThan(size);
            assertThat(ByteRange.parse("bytes=" + r[0] + "-" + r[1], size)).containsExactly(r);
        }

        long[] c = ByteRange.parseContentRange(header);
        if (c != null) {
            assertThat(c).hasSize(2);
            assertThat(c[0]).isBetween(0L, c[1]);
            assertThat(c[1] - c[0] + 1).as("length of %s-%s", c[0], c[1]).isPositive();
            assertThat(ByteRange.parseContentRange(c[0] + "-" + c[1])).containsExactly(c);
        }
    }
}
