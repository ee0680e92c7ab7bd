package io.gatehouse.registry.interop;

import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.Visibility;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.testing.ExternalTools;
import io.gatehouse.testing.TestImages;
import io.gatehouse.testing.TestImages.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token flow with the real clients: {@code skopeo login}/{@code copy}, {@code podman login}/{@code pull}/
 * {@code push} (vfs storage) and {@code docker login} (the CLI logs in by itself when no engine runs), with a
 * user's password and with a service account's token, against the registry with auth wired as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticatedClientsTest {

    static final String PW = "password-123";

    Path dir;
    SecuredRegistry reg;
    Clients clients;
    String hp;
    String robotToken;
    Image image;
    Path layout;

    @BeforeAll
    void start() throws Exception {
        ExternalTools.require("skopeo");
        dir = Files.createTempDirectory("gatehouse-auth-clients-");
        reg = new SecuredRegistry(Files.createDirectories(dir.resolve("registry")), false);
        hp = reg.base.replaceFirst("^https?://", "");
        clients = new Clients(Files.createDirectories(dir.resolve("clients")));
        var a = reg.auth().accounts();
        var p = reg.auth().permissions();
        a.createUser("dev", PW.toCharArray(), false);
        a.createUser("viewer", PW.toCharArray(), false);
        a.createOrg("team");
        p.grant(new Grant(Grant.TargetKind.ORG, "team", Grant.GranteeKind.PRINCIPAL, "dev", Role.WRITE));
        p.grant(new Grant(Grant.TargetKind.ORG, "team", Grant.GranteeKind.PRINCIPAL, "viewer", Role.READ));
        robotToken = a.createServiceAccount("jenkins", "CI", null, false, "admin").token();
        p.grant(new Grant(Grant.TargetKind.ORG, "team", Grant.GranteeKind.PRINCIPAL, "jenkins", Role.WRITE));
        image = TestImages.image(301);
        layout = dir.resolve("layout");
        TestImages.writeOciLayout(layout, "img", image);
    }

    @AfterAll
    void stop() {
        if (reg != null) reg.close();
        if (clients != null) clients.close();
        if (dir != null) RealClientsContract.deleteTree(dir);
    }

    @Test
    void skopeoLoginCopyAndRefusals() {
        clients.run(ExternalTools.require("skopeo"), "logout", "--all");
        clients.run(ExternalTools.require("docker"), "logout", hp);
        Clients.Result noCreds = clients.run(ExternalTools.require("skopeo"), "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":img", "docker://" + hp + "/team/app:1");
        assertThat(noCreds.exitCode()).isNotZero();

        Clients.Result badLogin = clients.run(ExternalTools.require("skopeo"), "login", "--tls-verify=false", "-u", "dev", "-p", "wrong-password", hp);
        assertThat(badLogin.exitCode()).isNotZero();

        assertThat(clients.skopeo("login", "--tls-verify=false", "-u", "dev", "-p", PW, hp)).contains("Login Succeeded");
        clients.skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":img", "docker://" + hp + "/team/app:1");
        assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/team/app:1")).isEqualTo(image.manifest().text());
        clients.skopeo("logout", hp);

        // A reader pulls but cannot push.
        clients.skopeo("login", "--tls-verify=false", "-u", "viewer", "-p", PW, hp);
        assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/team/app:1")).isEqualTo(image.manifest().text());
        Clients.Result denied = clients.run(ExternalTools.require("skopeo"), "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":img", "docker://" + hp + "/team/other:1");
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.errors().toLowerCase()).containsAnyOf("denied", "unauthorized", "authentication required");
        clients.skopeo("logout", hp);

        // A service account's token works as a password.
        clients.skopeo("login", "--tls-verify=false", "-u", "jenkins", "-p", robotToken, hp);
        clients.skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":img", "docker://" + hp + "/team/ci:1");
        clients.skopeo("logout", hp);

        assertThat(reg.auth().auditLog().query(new AuditQuery("jenkins", AuditEvent.MANIFEST_PUSH, "team/ci*", null, null, 10, 0)))
                .isNotEmpty().allSatisfy(e -> assertThat(e.sourceAddress()).isEqualTo("127.0.0.1"));
        assertThat(reg.auth().auditLog().query(new AuditQuery("dev", AuditEvent.LOGIN_FAILED, null, null, null, 10, 0))).isNotEmpty();
    }

    @Test
    void skopeoWithoutLoginSeesAHiddenRepositoryAsMissing() {
        reg.auth().permissions().setVisibility("team/quarantine", Visibility.RESTRICTED);
        clients.run(ExternalTools.require("skopeo"), "copy", "--dest-tls-verify=false", "--dest-creds", "admin:" + io.gatehouse.registry.auth.AuthFixture.ADMIN_PASSWORD,
                "oci:" + layout + ":img", "docker://" + hp + "/team/quarantine:1");
        Clients.Result hidden = clients.run(ExternalTools.require("skopeo"), "inspect", "--raw", "--tls-verify=false", "--creds", "viewer:" + PW,
                "docker://" + hp + "/team/quarantine:1");
        Clients.Result missing = clients.run(ExternalTools.require("skopeo"), "inspect", "--raw", "--tls-verify=false", "--creds", "viewer:" + PW,
                "docker://" + hp + "/team/nothing-here:1");
        assertThat(hidden.exitCode()).isNotZero();
        assertThat(withoutTime(hidden.errors()).replace("quarantine", "X")).isEqualTo(withoutTime(missing.errors()).replace("nothing-here", "X"));
        assertThat(hidden.errors()).contains("name unknown");
    }

    private static String withoutTime(String log) {
        return log.replaceAll("time=\"[^\"]*\"", "");
    }

    @Test
    void podmanLoginPushAndPull() {
        ExternalTools.require("podman");
        clients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "dev:" + PW, "oci:" + layout + ":img", "docker://" + hp + "/team/podman-src:1");
        assertThat(clients.podman("login", "--tls-verify=false", "-u", "dev", "-p", PW, hp)).contains("Login Succeeded");
        clients.podman("pull", "--tls-verify=false", hp + "/team/podman-src:1");
        clients.podman("tag", hp + "/team/podman-src:1", hp + "/team/podman-dst:2");
        clients.podman("push", "--tls-verify=false", hp + "/team/podman-dst:2");
        assertThat(clients.skopeo("inspect", "--tls-verify=false", "--creds", "viewer:" + PW, "docker://" + hp + "/team/podman-dst:2")).contains("\"Digest\"");
        clients.podman("logout", hp);
        Clients.Result bad = clients.run(ExternalTools.require("podman"), "login", "--tls-verify=false", "-u", "dev", "-p", "nope-nope", hp);
        assertThat(bad.exitCode()).isNotZero();
        // With the service-account token.
        assertThat(clients.podman("login", "--tls-verify=false", "-u", "jenkins", "-p", robotToken, hp)).contains("Login Succeeded");
        clients.podman("pull", "--tls-verify=false", hp + "/team/podman-dst:2");
        clients.podman("logout", hp);
    }

    @Test
    void dockerLoginWithoutAnEngine() {
        ExternalTools.require("docker");
        Clients.Result ok = clients.run(ExternalTools.require("docker"), "login", "-u", "dev", "-p", PW, hp);
        assertThat(ok.exitCode()).as(ok.output() + ok.errors()).isZero();
        assertThat(ok.output() + ok.errors()).contains("Login Succeeded");
        clients.run(ExternalTools.require("docker"), "logout", hp);
        Clients.Result bad = clients.run(ExternalTools.require("docker"), "login", "-u", "dev", "-p", "wrong-one", hp);
        assertThat(bad.exitCode()).isNotZero();
        clients.run(ExternalTools.require("docker"), "logout", hp);
    }
}
