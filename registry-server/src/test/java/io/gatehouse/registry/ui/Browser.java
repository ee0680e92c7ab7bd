package io.gatehouse.registry.ui;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser the web interface's tests drive: Debian's chromium through chromium-driver, headless, on one registry
 * ({@code base}), with the steps every test uses (open, wait for the next page, sign in, screenshots under
 * target/ui-screenshots/) and plain HTTP calls carrying the browser's session cookie.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    final WebDriver driver;
    final String base;
    private final ChromeDriverService service;

    private Browser(WebDriver driver, ChromeDriverService service, String base) {
        this.driver = driver;
        this.service = service;
        this.base = base;
    }

    /** Starts chromium (skipped, or failed under CI=true, when it is not installed) with its profile under {@code dir}. */
    static Browser start(Path dir, String base) throws Exception {
        Path chromium = ExternalTools.require("chromium");
        Path chromedriver = ExternalTools.require("chromedriver");
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + dir.resolve("chromium-profile"), "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver, service, base);
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }

    void open(String path) {
        driver.get(base + path);
    }

    void shot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    /**
     * Runs an action that loads a new page (a link, a form's submit) and waits until the new page has replaced the
     * old one: reading right after a click found the old page's elements (stale) or none yet on a fast machine.
     */
    void navigate(Runnable action) {
        var js = (JavascriptExecutor) driver;
        js.executeScript("window.__gatehouseOldPage = true");
        action.run();
        new WebDriverWait(driver, Duration.ofSeconds(60)).ignoring(WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(js.executeScript(
                        "return window.__gatehouseOldPage === undefined && document.readyState === 'complete'")));
    }

    /** Clicks the element of this id and waits for the page it loads. */
    void click(String id) {
        navigate(() -> driver.findElement(By.id(id)).click());
    }

    void signIn(String user, String password) {
        open("/login");
        driver.findElement(By.id("username")).clear();
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        click("sign-in");
    }

    void signOutIfSignedIn() {
        open("/repositories");
        List<WebElement> out = driver.findElements(By.id("sign-out"));
        if (!out.isEmpty()) navigate(() -> out.get(0).click());
    }

    /** The browser's session cookie, as a Cookie header value. */
    String sessionCookie() {
        Cookie c = driver.manage().getCookieNamed(UiHandler.COOKIE);
        assertThat(c).isNotNull();
        assertThat(c.isHttpOnly()).isTrue();
        return UiHandler.COOKIE + "=" + c.getValue();
    }

    /** The CSRF token in the forms of the page at {@code path}, as the session of {@code cookie} sees it. */
    String csrf(String path, String cookie) throws Exception {
        Matcher m = CSRF.matcher(get(path, cookie).body());
        assertThat(m.find()).as("a form with a CSRF token on %s", path).isTrue();
        return m.group(1);
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
