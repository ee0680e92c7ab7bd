package io.gatehouse.core.policy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every ```json example in docs/policies.md is a valid policy: the documentation cannot drift from the schema. */
class PolicyDocsExamplesTest {
    @Test
    void documentedExamplesAreValid() throws Exception {
        Path doc = Path.of("..", "docs", "policies.md");
        String text = Files.readString(doc);
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(text);
        List<String> names = new ArrayList<>();
        while (m.find()) names.add(PolicyDocuments.parse(m.group(1)).name());
        assertThat(names).containsExactly("production", "no-fixable-critical", "two-person-rule", "nightly");
    }
}
