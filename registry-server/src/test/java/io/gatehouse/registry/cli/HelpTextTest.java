package io.gatehouse.registry.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #13: help that was cut mid-sentence, lost its indent, or did not parse as English. */
class HelpTextTest {
    /** The help as a reader takes it in: line breaks and indents are layout, not words. */
    static String prose(String help) {
        return help.replaceAll("\\s+", " ");
    }

    @Test
    void theCommandListGivesWholeSentences() {
        String help = prose(Cli.run("--help").out());
        assertThat(help).contains("copy Copy an image by tag or digest from one registry to another, or between "
                + "repositories of one registry. vulndb");
    }

    @Test
    void mirrorOptionsReadAsSentencesAndStayIndented() {
        String raw = Cli.run("mirror", "--help").out();
        String help = prose(raw);
        assertThat(help).contains("--server-side ask the target registry (Gatehouse) to run the mirror itself "
                + "(POST /api/v1/mirrors): image data flows from the upstream straight into it, not through this host. "
                + "The destination credentials need push on the target repository; the source credentials are passed "
                + "on in that request (over TLS) and the registry neither stores nor logs them.");
        assertThat(help).contains("a longer one stops the run with a message saying when the quota returns");
        // every line of the option list is indented (a description line at column 0 read as a new paragraph)
        List<String> lines = raw.lines().toList();
        int options = lines.indexOf(lines.stream().filter(l -> l.strip().startsWith("UPSTREAM")).findFirst().orElseThrow());
        assertThat(lines.subList(options, lines.size())).allSatisfy(l -> assertThat(l).startsWith("  "));
    }

    @Test
    void everyCommandListsItsExitCodes() {
        for (List<String> cmd : List.of(List.of("serve"), List.of("mirror"), List.of("copy"), List.of("scan"),
                List.of("vulndb", "import"), List.of("vulndb", "info"), List.of("migrate"))) {
            String[] args = new String[cmd.size() + 1];
            cmd.toArray(args);
            args[cmd.size()] = "--help";
            assertThat(prose(Cli.run(args).out())).as(String.join(" ", cmd)).containsPattern("Exit codes: ?[0-9 ]*0:? ")
                    .contains(" 2");
        }
    }
}
