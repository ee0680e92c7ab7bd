package io.gatehouse.core.copy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFilterTest {
    static final List<String> TAGS = List.of("3.17", "3.18", "3.18.1", "3.19", "3.19.4", "4.0", "v3.20.0", "latest", "edge", "3.19-alpine", "10.1");

    @Test
    void semverRange() {
        assertThat(TagFilter.of(null, ">=3.18 <4", null).apply(TAGS)).containsExactly("3.18", "3.18.1", "3.19", "3.19.4", "v3.20.0");
        assertThat(TagFilter.of(null, "<3.18 || >=10", null).apply(TAGS)).containsExactly("10.1", "3.17");
        assertThat(TagFilter.of(null, "3.19", null).apply(TAGS)).containsExactly("3.19");
        assertThat(TagFilter.of(null, ">3.19.3 <=4", null).apply(TAGS)).containsExactly("3.19.4", "4.0", "v3.20.0");
    }

    @Test
    void regexAndNewest() {
        assertThat(TagFilter.of("3\\.19.*", null, null).apply(TAGS)).containsExactly("3.19", "3.19-alpine", "3.19.4");
        assertThat(TagFilter.of(null, null, 3).apply(TAGS)).containsExactly("10.1", "4.0", "v3.20.0");
        assertThat(TagFilter.of("3\\..*", ">=3.18", 2).apply(TAGS)).containsExactly("3.19", "3.19.4");
        assertThat(TagFilter.all().apply(TAGS)).hasSize(TAGS.size());
    }

    /** {@code (.*a){12}b} backtracks through about 60^12 splits of 60 a's: without a budget this never returns. */
    @Test
    void aCatastrophicPatternLeavesTheTagOutAndSaysSo() {
        String aaa = "a".repeat(60);
        TagFilter f = TagFilter.of("(.*a){12}b|3\\.19", null, null);
        TagFilter.Selection s = f.select(List.of(aaa, "3.19", "3.18"));
        assertThat(s.tags()).containsExactly("3.19");
        assertThat(s.unjudged()).containsExactly(aaa);
        assertThat(f.apply(List.of(aaa, "3.19"))).containsExactly("3.19");
        assertThat(f.unjudgedReason()).contains("(.*a){12}b", "not copied", "simplify");
    }

    @Test
    void badFiltersSayWhy() {
        assertThatThrownBy(() -> TagFilter.of("(", null, null)).hasMessageContaining("regular expression");
        assertThatThrownBy(() -> TagFilter.of(null, ">=three", null)).hasMessageContaining("bad version range");
        assertThatThrownBy(() -> TagFilter.of(null, null, 0)).hasMessageContaining("at least 1");
    }
}
