package io.gatehouse.registry.ui;

import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.trust.Trust;
import org.openqa.selenium.WebDriver;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What the browser tests share: a registry wired as {@code gatehouse serve} wires it (auth, scanning, trust, mirrors,
 * the web interface) and one headless chromium ({@link Browser}: open a page, wait for the next one, sign in, save a
 * screenshot under target/ui-screenshots/).
 */
final class BrowserFixture implements AutoCloseable {
    final RegistryServer server;
    final AuthWiring wiring;
    final String base;
    final Http http;
    final RegistryClient client;
    final Browser web;
    final WebDriver browser;

    private BrowserFixture(RegistryServer server, AuthWiring wiring, Browser web) {
        this.server = server;
        this.wiring = wiring;
        this.base = server.baseUrl();
        this.http = new Http(base);
        this.client = new RegistryClient(base);
        this.web = web;
        this.browser = web.driver;
    }

    /** Starts the registry (data under {@code dir/registry}) and the browser; skips (fails under CI) without chromium. */
    static BrowserFixture start(Path dir) throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("registry"));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthFixture.MutableClock clock = new AuthFixture.MutableClock(java.time.Instant.now());
        AuthWiring wiring = SecuredRegistry.installAuth(b, config, clock, UnaryOperator.identity());
        AtomicReference<Trust> trust = Trust.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog());
        AtomicReference<ScanService> scans = io.gatehouse.registry.scan.api.ScanApi.install(b, s -> wiring.module());
        io.gatehouse.registry.mirror.Mirrors.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog(), s -> wiring.module().tokens());
        Ui.install(b, s -> wiring.module(), scans, trust);
        RegistryServer server = b.build().start();
        try {
            return new BrowserFixture(server, wiring, Browser.start(dir, server.baseUrl()));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            web.close();
        } finally {
            server.close();
        }
    }

    /** A management API call as the bootstrap admin. */
    Http.Reply api(String method, String path, String body) {
        return http.json(method, "/api/v1" + path, SecuredRegistry.admin(), body);
    }

    void open(String path) {
        web.open(path);
    }

    void shot(String name) throws Exception {
        web.shot(name);
    }

    String text(String css) {
        return web.text(css);
    }

    void navigate(Runnable action) {
        web.navigate(action);
    }

    void signIn(String user, String password) {
        web.signIn(user, password);
    }

    void signOutIfSignedIn() {
        web.signOutIfSignedIn();
    }

    String sessionCookie() {
        return web.sessionCookie();
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        return web.get(path, cookie);
    }

    HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        return web.post(path, cookie, form);
    }
}
