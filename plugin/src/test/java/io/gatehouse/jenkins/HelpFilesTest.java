package io.gatehouse.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.jenkins.packaging.GatehouseHpiIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every step parameter has a help file for the snippet generator, with an example call that uses that parameter. */
class HelpFilesTest {
    static final Path RESOURCES = Path.of(System.getProperty("gatehouse.resources", "src/main/resources"));

    @Test
    void everyStepParameterHasAHelpFileWithAnExample() throws Exception {
        for (Map.Entry<String, Class<?>> step : ExamplesTest.STEPS.entrySet()) {
            Class<?> c = step.getValue();
            for (String param : GatehouseHpiIT.dataBoundParameters(c)) {
                Path help = RESOURCES.resolve(c.getName().replace('.', '/')).resolve("help-" + param + ".html");
                assertThat(help).as("help for %s.%s", step.getKey(), param).exists();
                String text = Files.readString(help);
                assertThat(text).as("%s", help).contains("Example: <code>").contains(step.getKey() + "(").containsPattern("\\b" + param + ": ");
            }
        }
    }

    /**
     * {@code ${%Text (more)}} is not a message with parentheses: Jelly reads "(more)" as arguments, JEXL expressions,
     * and a page with "(two words)" fails to render (seen on the real controller's build page).
     */
    @Test
    void noLocalizedTextHasParentheses() throws Exception {
        try (var files = Files.walk(RESOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jelly")).toList()) {
                assertThat(Files.readString(f)).as("%s", f).doesNotContainPattern("\\$\\{%[^}]*\\(");
            }
        }
    }
}
