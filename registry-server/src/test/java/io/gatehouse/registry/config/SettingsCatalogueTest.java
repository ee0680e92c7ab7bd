package io.gatehouse.registry.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.registry.auth.AuthWiring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RegistryConfig#SETTINGS} is the one list of settings: help, docs, the sources' reads and the loader all agree
 * with it, and names it does not know are reported, not ignored.
 */
class SettingsCatalogueTest {

    private static final Path DOCS = Path.of("..", "docs");

    /** docs/registry.md's configuration table, row by row: key, variable and default exactly as declared, in order. */
    @Test
    void docsTableIsTheRegistry() throws IOException {
        List<String> documented = new ArrayList<>();
        for (String line : Files.readAllLines(DOCS.resolve("registry.md"))) {
            if (!line.startsWith("| `") || !line.contains("| `GATEHOUSE_")) continue;
            String[] cells = line.split("\\s*\\|\\s*");
            documented.add(unquote(cells[1]) + " " + unquote(cells[2]) + " " + unquote(cells[3]));
        }
        List<String> declared = RegistryConfig.SETTINGS.stream()
                .map(s -> s.key() + " " + s.env() + " " + s.shownDefault()).toList();
        assertThat(documented).containsExactlyElementsOf(declared);
    }

    /** Other documents link to that table instead of keeping a copy that could drift. */
    @Test
    void noOtherDocumentKeepsItsOwnSettingsTable() throws IOException {
        try (Stream<Path> docs = Files.list(DOCS)) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md") && !p.endsWith("registry.md")).toList()) {
                assertThat(Files.readAllLines(doc)).as(doc.toString())
                        .noneMatch(l -> l.startsWith("|") && l.contains("| `GATEHOUSE_"));
            }
        }
        assertThat(Files.readString(DOCS.resolve("api.md"))).contains("registry.md#configuration");
        assertThat(Files.readString(DOCS.resolve("scanning.md"))).contains("registry.md#configuration");
    }

    /** The first-hour complaint: auth.* (the admin password and its length) and scan.* were missing from help. */
    @Test
    void serveHelpListsEveryCapabilitysSettings() {
        StringWriter out = new StringWriter();
        io.gatehouse.registry.cli.GatehouseCommand.commandLine().getSubcommands().get("serve").usage(new PrintWriter(out));
        assertThat(out.toString()).contains("GATEHOUSE_ADMIN_PASSWORD").contains("8 to 1024 characters")
                .contains("auth.anonymous_pull").contains("GATEHOUSE_SCAN_VULNDB").contains("GATEHOUSE_CONFIG");
        for (RegistryConfig.Setting s : RegistryConfig.SETTINGS) {
            assertThat(out.toString()).contains(s.key()).contains(s.env()).contains(s.shownDefault());
        }
    }

    /** Every key a capability reads by name in the main sources is declared (a read of any other throws). */
    @Test
    void everyKeyReadInTheSourcesIsDeclared() throws IOException {
        Pattern read = Pattern.compile("[sS]etting\\(\"([^\"]+)\"");
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = read.matcher(Files.readString(f));
                while (m.find()) keys.add(m.group(1));
            }
        }
        assertThat(keys).contains("auth.enabled", "auth.admin_password", "scan.workers", "scan.vulndb");
        Set<String> declared = new TreeSet<>(RegistryConfig.SETTINGS.stream().map(RegistryConfig.Setting::key).toList());
        assertThat(declared).containsAll(keys);
    }

    /** Every GATEHOUSE_* name in the main sources is a declared setting's variable or one of the other known ones. */
    @Test
    void everyVariableNamedInTheSourcesIsKnown() throws IOException {
        Pattern name = Pattern.compile("\"(GATEHOUSE_[A-Z0-9_]+)\"");
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = name.matcher(Files.readString(f));
                while (m.find()) named.add(m.group(1));
            }
        }
        Set<String> known = new TreeSet<>(RegistryConfig.OTHER_VARIABLES.keySet());
        RegistryConfig.SETTINGS.forEach(s -> known.add(s.env()));
        assertThat(named).contains("GATEHOUSE_ADMIN_PASSWORD", "GATEHOUSE_SRC_PASSWORD");
        assertThat(known).containsAll(named);
    }

    @Test
    void readingAnUndeclaredKeyIsAProgrammingError() {
        assertThatThrownBy(() -> RegistryConfig.defaults().setting("auth.no_such_thing"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auth.no_such_thing");
    }

    @Test
    void unknownNamesAreReportedWithTheClosestKnownOne() {
        assertThat(RegistryConfig.unknownNames(List.of("server.prot", "server.port"),
                List.of("GATEHOUSE_ADMIN_PASWORD", "GATEHOUSE_CONFIG", "GATEHOUSE_PORT", "PATH")))
                .containsExactly("unknown setting 'server.prot' ignored (did you mean 'server.port'?)",
                        "unknown environment variable GATEHOUSE_ADMIN_PASWORD ignored (did you mean GATEHOUSE_ADMIN_PASSWORD?)");
    }

    /** A typo in the YAML file is logged as a warning while loading, naming the file and the key meant. */
    @Test
    void loadingWarnsAboutATypo(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "scan:\n  worker: 4\n");
        Logger log = (Logger) LoggerFactory.getLogger(RegistryConfig.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            RegistryConfig.load(yaml, Map.of("GATEHOUSE_SCAN_WORKES", "2"));
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                yaml + ": unknown setting 'scan.worker' ignored (did you mean 'scan.workers'?)",
                "unknown environment variable GATEHOUSE_SCAN_WORKES ignored (did you mean GATEHOUSE_SCAN_WORKERS?)");
    }

    /**
     * GATEHOUSE_AUTH_ENABLED=yes (or on, 1) turned access control OFF: Boolean.parseBoolean reads anything but
     * "true" as false. The same words mean the same in every boolean setting now, and a stray word is refused.
     */
    @Test
    void authEnabledYesKeepsAccessControlOn() {
        for (String yes : List.of("yes", "on", "1", "TRUE")) {
            assertThat(AuthWiring.enabled(RegistryConfig.load(null, Map.of("GATEHOUSE_AUTH_ENABLED", yes)))).as(yes).isTrue();
        }
        assertThat(AuthWiring.enabled(RegistryConfig.load(null, Map.of("GATEHOUSE_AUTH_ENABLED", "off")))).isFalse();
        assertThatThrownBy(() -> RegistryConfig.load(null, Map.of("GATEHOUSE_AUTH_ENABLED", "maybe")))
                .hasMessageContaining("auth.enabled");
    }

    private static String unquote(String cell) {
        return cell.replace("`", "").strip();
    }
}
