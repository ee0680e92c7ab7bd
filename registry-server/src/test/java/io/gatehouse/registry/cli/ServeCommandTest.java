package io.gatehouse.registry.cli;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthConfig;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code gatehouse serve} refusing to start: one line that names the cause, and an exit code, not a stack trace. */
class ServeCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String err) {
    }

    private static Outcome serve(String... args) {
        CommandLine cl = io.gatehouse.registry.cli.GatehouseCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Outcome(cl.execute(all), err.toString());
    }

    @Test
    void aBadSettingExitsWith2AndNamesTheSetting() throws Exception {
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "server:\n  port: abc\n");
        Outcome o = serve("--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).startsWith("gatehouse serve: server.port").contains("'abc'").doesNotContain("\tat ");
        assertThat(o.err().lines()).hasSize(1);
    }

    @Test
    void aPortInUseExitsWith1AndSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = serve("--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.resolve("data").toString());
            assertThat(o.code()).isEqualTo(1);
            assertThat(o.err()).startsWith("gatehouse serve: cannot start the registry on 127.0.0.1:" + taken.getLocalPort())
                    .contains("Address already in use").doesNotContain("\tat ");
        }
    }

    @Test
    void aBootstrapPasswordThatIsTooShortNamesItsVariable() throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(Files.createDirectories(dir.resolve("auth")));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring.install(b, s -> AuthModule.create(s.jdbi(), s.dataDir(),
                AuthWiring.authConfig(config, s).withEnv(Map.of(AuthConfig.ADMIN_PASSWORD_ENV, "short")::get), name -> true));
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(AuthConfig.ADMIN_PASSWORD_ENV + " (auth.admin_password): ").hasMessageContaining("at least")
                .hasMessageNotContaining("short");
    }

    /** The same through the declared setting, as serve reads it (from the environment or the file), not a test hook. */
    @Test
    void theBootstrapPasswordComesFromTheDeclaredSetting() throws Exception {
        RegistryConfig config = RegistryConfig.load(null, Map.of("GATEHOUSE_ADMIN_PASSWORD", "short"))
                .withDataDir(Files.createDirectories(dir.resolve("auth2"))).with("server.host", "127.0.0.1").withPort(0);
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring.install(b, config);
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("GATEHOUSE_ADMIN_PASSWORD (auth.admin_password): ").hasMessageContaining("at least 8");
    }
}
