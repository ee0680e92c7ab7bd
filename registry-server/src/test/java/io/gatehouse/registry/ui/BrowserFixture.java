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
import io.gatehouse.testing.ExternalTools;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the browser tests share: a registry wired as {@code gatehouse serve} wires it (auth, scanning, trust, mirrors,
 * the web interface) and one headless chromium driven through chromium-driver, with the steps every test takes
 * (open a page, wait for the next one, sign in, save a screenshot under target/ui-screenshots/).
 */
final class BrowserFixture implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    final RegistryServer server;
    final AuthWiring wiring;
    final String base;
    final Http http;
    final RegistryClient client;
    final WebDriver browser;
    private final ChromeDriverService driverService;

    private BrowserFixture(RegistryServer server, AuthWiring wiring, WebDriver browser, ChromeDriverService driverService) {
        this.server = server;
        this.wiring = wiring;
        this.base = server.baseUrl();
        this.http = new Http(base);
        this.client = new RegistryClient(base);
        this.browser = browser;
        this.driverService = driverService;
    }

    /** Starts the registry (data under {@code dir/registry}) and the browser; skips (fails under CI) without chromium. */
    static BrowserFixture start(Path dir) throws Exception {
        Path chromium = ExternalTools.require("chromium");
        Path chromedriver = ExternalTools.require("chromedriver");

        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("registry"));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthFixture.MutableClock clock = new AuthFixture.MutableClock(java.time.Instant.now());
        AuthWiring wiring = SecuredRegistry.installAuth(b, config, clock, UnaryOperator.identity());
        AtomicReference<Trust> trust = Trust.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog());
        AtomicReference<ScanService> scans = io.gatehouse.registry.scan.api.ScanApi.install(b, s -> wiring.module());
        io.gatehouse.registry.mirror.Mirrors.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog(), s -> wiring.module().tokens());
        Ui.install(b, s -> wiring.module(), scans, trust);
        RegistryServer server = b.build().start();

        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + dir.resolve("chromium-profile"), "--no-first-run");
        ChromeDriverService driverService = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        WebDriver browser;
        try {
            browser = new ChromeDriver(driverService, options);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new BrowserFixture(server, wiring, browser, driverService);
    }

    @Override
    public void close() {
        try {
            browser.quit();
        } finally {
            driverService.stop();
            server.close();
        }
    }

    /** A management API call as the bootstrap admin. */
    Http.Reply api(String method, String path, String body) {
        return http.json(method, "/api/v1" + path, SecuredRegistry.admin(), body);
    }

    void open(String path) {
        browser.get(base + path);
    }

    void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /**
     * Runs an action that loads a new page (a link, a form's submit) and waits until the new page has replaced the
     * old one: reading right after a click found the old page's elements (stale) or none yet on a fast machine.
     */
    void navigate(Runnable action) {
        var js = (JavascriptExecutor) browser;
        js.executeScript("window.__gatehouseOldPage = true");
        action.run();
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .ignoring(WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(js.executeScript(
                        "return window.__gatehouseOldPage === undefined && document.readyState === 'complete'")));
    }

    void signIn(String user, String password) {
        open("/login");
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        navigate(() -> browser.findElement(By.id("sign-in")).click());
    }

    void signOutIfSignedIn() {
        open("/repositories");
        List<WebElement> out = browser.findElements(By.id("sign-out"));
        if (!out.isEmpty()) navigate(() -> out.get(0).click());
    }

    /** The browser's session cookie, as a Cookie header value. */
    String sessionCookie() {
        Cookie c = browser.manage().getCookieNamed(UiHandler.COOKIE);
        assertThat(c).isNotNull();
        assertThat(c.isHttpOnly()).isTrue();
        return UiHandler.COOKIE + "=" + c.getValue();
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) b.header("Cookie", cookie);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) b.header("Cookie", cookie);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
