package io.gatehouse.core.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lookup order and key matching of containers-auth.json(5), and credential helpers run as real processes. */
class ContainerAuthFilesTest {
    @TempDir
    Path dir;

    @Test
    void firstFileThatKnowsTheRegistryWinsAndTheMostSpecificKeyWithinIt() throws IOException {
        Path authFile = write("a/auth.json", "{\"auths\":{\"quay.io/team\":" + basic("team", "t") + ",\"quay.io\":" + basic("any", "a") + "}}");
        Path runtime = Files.createDirectories(dir.resolve("run"));
        write("run/containers/auth.json", "{\"auths\":{\"quay.io\":" + basic("xdg", "x") + ",\"ghcr.io\":" + basic("xdg", "x") + "}}");
        Path home = Files.createDirectories(dir.resolve("home"));
        write("home/.docker/config.json", "{\"auths\":{\"https://index.docker.io/v1/\":" + basic("hub", "h") + "}}");
        ContainerAuthFiles files = ContainerAuthFiles.fromEnvironment(Map.of("REGISTRY_AUTH_FILE", authFile.toString(),
                "XDG_RUNTIME_DIR", runtime.toString(), "HOME", home.toString()));

        assertThat(user(files, "quay.io", "team/app")).isEqualTo("team");
        assertThat(user(files, "quay.io", "teamster/app")).isEqualTo("any"); // a prefix of a path segment is no match
        assertThat(user(files, "quay.io", "other/app")).isEqualTo("any");
        assertThat(user(files, "ghcr.io", "x/y")).isEqualTo("xdg");
        assertThat(user(files, "docker.io", "library/alpine")).isEqualTo("hub");
        ContainerAuthFiles.Lookup none = files.lookup("example.com", "a/b");
        assertThat(none.credentials()).isEmpty();
        assertThat(none.source()).contains(authFile.toString(), runtime.resolve("containers/auth.json").toString(),
                home.resolve(".config/containers/auth.json") + " (absent)", home.resolve(".docker/config.json").toString());
    }

    @Test
    void helperAnswersWithPasswordsIdentityTokensOrNothing() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        helper(bin, "fake", "read url\ncase \"$url\" in\n"
                + "  reg.example) echo '{\"ServerURL\":\"reg.example\",\"Username\":\"u\",\"Secret\":\"s\"}';;\n"
                + "  tok.example) echo '{\"ServerURL\":\"tok.example\",\"Username\":\"<token>\",\"Secret\":\"refresh\"}';;\n"
                + "  *) echo 'credentials not found in native keychain'; exit 1;;\nesac\n");
        Path home = Files.createDirectories(dir.resolve("home"));
        write("home/.docker/config.json", "{\"credsStore\":\"fake\",\"auths\":{\"file.example\":" + basic("f", "p") + "}}");
        ContainerAuthFiles files = ContainerAuthFiles.fromEnvironment(Map.of("HOME", home.toString(), "PATH", bin.toString()));

        Credentials c = files.lookup("reg.example", "x").credentials().orElseThrow();
        assertThat(c.username()).isEqualTo("u");
        assertThat(c.password()).isEqualTo("s");
        assertThat(files.lookup("tok.example", "x").credentials().orElseThrow().identityToken()).isEqualTo("refresh");
        // the store holds nothing for it: the file's own entry still counts
        assertThat(user(files, "file.example", "x")).isEqualTo("f");
        assertThat(files.lookup("none.example", "x").credentials()).isEmpty();
    }

    @Test
    void aHangingHelperIsStoppedAndAFailingOneIsNeverQuoted() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        helper(bin, "hang", "sleep 300\n");
        helper(bin, "leaky", "echo 'secret-on-stdout'; echo 'secret-on-stderr' >&2; exit 3\n");
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");

        assertThatThrownBy(() -> new CredentialHelper("hang", env, Duration.ofSeconds(1)).get("reg.example"))
                .hasMessageContaining("docker-credential-hang did not answer");
        assertThatThrownBy(() -> new CredentialHelper("leaky", env, Duration.ofSeconds(30)).get("reg.example"))
                .hasMessageContaining("exit 3").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new CredentialHelper("missing", env, Duration.ofSeconds(30)).get("reg.example"))
                .hasMessageContaining("not found on PATH");
        assertThatThrownBy(() -> new CredentialHelper("../../bin/sh", env, Duration.ofSeconds(30)))
                .hasMessageContaining("not a plain program name");
    }

    private static String user(ContainerAuthFiles files, String registry, String repository) {
        return files.lookup(registry, repository).credentials().orElseThrow().username();
    }

    private static String basic(String user, String password) {
        return "{\"auth\":\"" + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    private Path write(String path, String content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    private static void helper(Path bin, String name, String body) throws IOException {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }
}
