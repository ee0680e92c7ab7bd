package io.gatehouse.jenkins.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.testing.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Jenkins controller in a child process, for end-to-end tests of the built {@code gatehouse.hpi}.
 *
 * <p>What it does, as an administrator would: lays out {@code ../shared/jenkins} with its {@code layout.sh} (the
 * {@code jenkins.war} 2.479.3 and the Pipeline plugins built from source) into a temporary JENKINS_HOME, drops the
 * freshly built {@code gatehouse.hpi} into {@code plugins/}, starts {@code java -jar jenkins.war} on a free loopback
 * port with the setup wizard off and the plugin dependency check ON (Jenkins refuses to load a plugin whose
 * {@code Plugin-Dependencies} are not met; we assert that gatehouse is active), turns on security with one
 * administrator (an {@code init.groovy.d} script, the way users script what is outside the plugin), and then talks
 * to it over HTTP only: crumbs from {@code /crumbIssuer} (bound to the session: DefaultCrumbIssuer appends the session
 * id, so one cookie jar per controller), Pipeline jobs through {@code /createItem} with a {@code config.xml}, builds
 * through {@code /job/NAME/build} and the queue item's {@code executable}, consoles through {@code consoleText}, the
 * global configuration through {@code /manage/configSubmit}, and credentials through the script console
 * ({@code /scriptText}).
 *
 * <p>One controller is slow to start (tens of seconds on a busy 2-core machine): share it ({@link E2E#jenkins()}).
 */
public final class RealJenkins implements AutoCloseable {
    public static final String ADMIN = "admin";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Path home;
    private final int port;
    private final String password = UUID.randomUUID().toString();
    private final List<String> extraJvmArgs;
    private HttpClient http;
    private Process process;
    private final List<Process> agents = new ArrayList<>();

    private RealJenkins(Path dir, List<String> extraJvmArgs) {
        this.dir = dir;
        this.home = dir.resolve("home");
        this.port = FreePort.pick();
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    /** Lays out Jenkins and the plugins into {@code dir}, installs {@code hpi} and starts the controller. */
    public static RealJenkins start(Path dir, Path hpi, List<String> extraJvmArgs) throws IOException, InterruptedException {
        Path shared = sharedJenkins();
        if (!Files.isRegularFile(hpi)) {
            throw new IllegalStateException(hpi + " does not exist: run the plugin's `package` phase first (failsafe runs after it)");
        }
        RealJenkins j = new RealJenkins(dir, extraJvmArgs);
        Files.createDirectories(j.home);
        Process layout = new ProcessBuilder("bash", shared.resolve("layout.sh").toString(), j.home.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("layout.log").toFile()).start();
        if (!layout.waitFor(5, TimeUnit.MINUTES) || layout.exitValue() != 0) {
            throw new IllegalStateException("layout.sh failed: " + Files.readString(dir.resolve("layout.log")));
        }
        // .jpi is the name Jenkins itself gives installed plugins; an .hpi is renamed on first start anyway.
        Files.copy(hpi, j.home.resolve("plugins/gatehouse.jpi"), StandardCopyOption.REPLACE_EXISTING);
        Path init = Files.createDirectories(j.home.resolve("init.groovy.d"));
        Files.writeString(init.resolve("00-security.groovy"), securityScript(j.password));
        j.launch();
        return j;
    }

    /**
     * {@code ../shared/jenkins} of the project root: the system property {@code gatehouse.shared.jenkins}, else the
     * first ancestor of the working directory with {@code shared/jenkins/layout.sh} (the project root's parent in CI,
     * and also from a git worktree one level deeper). Missing: skip, or fail under CI=true like every outside tool.
     */
    static Path sharedJenkins() {
        String prop = System.getProperty("gatehouse.shared.jenkins");
        if (prop != null && !prop.isBlank() && Files.isRegularFile(Path.of(prop, "layout.sh"))) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/jenkins");
            if (Files.isRegularFile(candidate.resolve("layout.sh"))) {
                return candidate;
            }
        }
        String why = "../shared/jenkins (the real Jenkins controller) is not there";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
        return null;
    }

    private static String securityScript(String password) {
        // Runs on every start; only the first one changes anything. The password never leaves the test JVM's memory
        // and this file (JENKINS_HOME is a temporary folder).
        return """
                import hudson.security.*
                import jenkins.model.Jenkins
                def j = Jenkins.get()
                if (!(j.securityRealm instanceof HudsonPrivateSecurityRealm)) {
                    def realm = new HudsonPrivateSecurityRealm(false)
                    realm.createAccount('%s', '%s')
                    j.securityRealm = realm
                    def authz = new FullControlOnceLoggedInAuthorizationStrategy()
                    authz.allowAnonymousRead = false
                    j.authorizationStrategy = authz
                    j.save()
                }
                """.formatted(ADMIN, password);
    }

    private void launch() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java,
                // a small, quick-starting JVM: the machine is shared and has 2 cores
                "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Djenkins.install.runSetupWizard=false",
                // no update center or download service calls from a test controller
                "-Dhudson.model.UpdateCenter.never=true", "-Dhudson.model.DownloadService.never=true",
                "-Djenkins.model.Jenkins.slaveAgentPort=-1"));
        cmd.addAll(extraJvmArgs);
        cmd.addAll(List.of("-jar", home.resolve("jenkins.war").toString(), "--httpPort=" + port, "--httpListenAddress=127.0.0.1",
                "--webroot=" + dir.resolve("war")));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().put("JENKINS_HOME", home.toString());
        process = pb.start();
        http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        awaitReady();
    }

    /** Until {@code /api/json} answers the administrator (503 while Jenkins is getting ready), then checks our plugin loaded. */
    private void awaitReady() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Jenkins exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (get("/api/json?tree=mode").statusCode() == 200) {
                    break;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Jenkins did not get ready within " + START_TIMEOUT + ":\n" + logTail());
            }
            Thread.sleep(1000);
        }
        JsonNode plugins = getJson("/pluginManager/api/json?tree=plugins%5BshortName,active,enabled,version%5D");
        for (JsonNode p : plugins.path("plugins")) {
            if (p.path("shortName").asText().equals("gatehouse")) {
                if (!p.path("active").asBoolean()) {
                    throw new IllegalStateException("gatehouse is installed but not active:\n" + logTail());
                }
                return;
            }
        }
        throw new IllegalStateException("gatehouse did not load (dependency check?):\n" + logTail());
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Path home() {
        return home;
    }

    public Path log() {
        return dir.resolve("jenkins.log");
    }

    /** The last lines of the controller's own log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- HTTP as the administrator ----

    private HttpRequest.Builder request(String path) {
        String basic = Base64.getEncoder().encodeToString((ADMIN + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(url().resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofMinutes(2)).header("Authorization", "Basic " + basic);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + "\n" + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A crumb for this session ({@code /crumbIssuer/api/json}): field name and value. */
    public Map.Entry<String, String> crumb() throws IOException, InterruptedException {
        JsonNode c = getJson("/crumbIssuer/api/json");
        return Map.entry(c.path("crumbRequestField").asText(), c.path("crumb").asText());
    }

    /** POST of an urlencoded form, with the crumb as header and as field (as the browser's forms send it). */
    public HttpResponse<String> postForm(String path, Map<String, String> fields) throws IOException, InterruptedException {
        Map.Entry<String, String> crumb = crumb();
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put(crumb.getKey(), crumb.getValue());
        StringBuilder body = new StringBuilder();
        all.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send(request(path).header(crumb.getKey(), crumb.getValue())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a body with the crumb header. */
    public HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        Map.Entry<String, String> crumb = crumb();
        return http.send(request(path).header(crumb.getKey(), crumb.getValue()).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs a Groovy script in the script console ({@code /scriptText}) as the administrator; returns its output. */
    public String groovy(String script) throws IOException, InterruptedException {
        HttpResponse<String> r = postForm("/scriptText", Map.of("script", script));
        if (r.statusCode() != 200) {
            throw new IOException("scriptText: HTTP " + r.statusCode() + "\n" + r.body());
        }
        return r.body();
    }

    // ---- the global configuration form ----

    /**
     * Submits {@code /manage/configSubmit} as the browser does: a form field {@code json} holding the whole form tree
     * plus the crumb. Jenkins hands each global configuration its own section
     * ({@code json[descriptor.getJsonSafeClassName()]}, Jenkins#configureDescriptor), and every section on the page is
     * configured, so the fields the core sections read unconditionally are sent with their defaults.
     * Returns the response (a 302 to the root when saved; an error page when a section refused).
     */
    public HttpResponse<String> configSubmit(ObjectNode gatehouseSection) throws IOException, InterruptedException {
        ObjectNode form = JSON.createObjectNode();
        form.put("system_message", "");
        // jenkins.model.MasterBuildConfiguration, GlobalQuietPeriodConfiguration, GlobalSCMRetryCountConfiguration
        form.putObject("jenkins-model-MasterBuildConfiguration").put("numExecutors", "2").put("labelString", "");
        form.putObject("jenkins-model-GlobalQuietPeriodConfiguration").put("quietPeriod", "0");
        form.putObject("jenkins-model-GlobalSCMRetryCountConfiguration").put("scmCheckoutRetryCount", "0");
        // read unconditionally too (json.getInt): without it every submit is refused with HTTP 400
        form.putObject("jenkins-model-GlobalComputerRetentionCheckIntervalConfiguration").put("computerRetentionCheckInterval", "60");
        form.putObject("jenkins-model-JenkinsLocationConfiguration").put("url", url().toString()).put("adminAddress", "jenkins@localhost");
        form.set("io-gatehouse-jenkins-GatehouseConfiguration", gatehouseSection);
        return postForm("/manage/configSubmit", Map.of("json", JSON.writeValueAsString(form), "Submit", "Save"));
    }

    // ---- jobs and builds ----

    /** Creates (or replaces) a Pipeline job running {@code script} in the Groovy sandbox. */
    public void pipeline(String name, String script) throws IOException, InterruptedException {
        job(name, pipelineXml(script, ""));
    }

    public static String pipelineXml(String script, String properties) {
        return """
                <?xml version='1.1' encoding='UTF-8'?>
                <flow-definition plugin="workflow-job">
                  <properties>%s</properties>
                  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">
                    <script>%s</script>
                    <sandbox>true</sandbox>
                  </definition>
                  <disabled>false</disabled>
                </flow-definition>
                """.formatted(properties, xmlEscape(script));
    }

    /** Creates the job from {@code config.xml}, or updates it when it exists. */
    public void job(String name, String configXml) throws IOException, InterruptedException {
        boolean exists = get("/job/" + name + "/api/json?tree=name").statusCode() == 200;
        HttpResponse<String> r = exists
                ? post("/job/" + name + "/config.xml", "application/xml", configXml)
                : post("/createItem?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), "application/xml", configXml);
        if (r.statusCode() != 200) {
            throw new IOException((exists ? "updating" : "creating") + " job " + name + ": HTTP " + r.statusCode() + "\n" + r.body());
        }
    }

    /** A finished build: its number, result (SUCCESS, UNSTABLE, FAILURE, ABORTED) and console text. */
    public record Build(String job, int number, String result, String console) {
    }

    /** Queues a build, waits for it to finish, returns it. */
    public Build build(String job) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/job/" + job + "/build?delay=0sec", "application/x-www-form-urlencoded", "");
        if (r.statusCode() != 201) {
            throw new IOException("build " + job + ": HTTP " + r.statusCode() + "\n" + r.body());
        }
        String item = URI.create(r.headers().firstValue("Location").orElseThrow()).getPath();
        Instant deadline = Instant.now().plus(BUILD_TIMEOUT);
        int number = -1;
        while (number < 0) {
            JsonNode q = getJson(item + "api/json");
            if (q.path("executable").has("number")) {
                number = q.path("executable").path("number").asInt();
            } else if (q.path("cancelled").asBoolean()) {
                throw new IOException("the queue item of " + job + " was cancelled");
            } else {
                pause(deadline, "the build of " + job + " to leave the queue: " + q.path("why").asText());
            }
        }
        return awaitBuild(job, number, deadline);
    }

    /** Waits for build {@code number} of {@code job} to exist and finish (e.g. one started by a cron trigger). */
    public Build awaitBuild(String job, int number, Instant deadline) throws IOException, InterruptedException {
        while (true) {
            HttpResponse<String> r = get("/job/" + job + "/" + number + "/api/json?tree=result,building");
            if (r.statusCode() == 200) {
                JsonNode b = JSON.readTree(r.body());
                if (!b.path("building").asBoolean(true) && !b.path("result").isNull()) {
                    return new Build(job, number, b.path("result").asText(), console(job, number));
                }
            }
            pause(deadline, "build #" + number + " of " + job + " to finish");
        }
    }

    public String console(String job, int number) throws IOException, InterruptedException {
        return get("/job/" + job + "/" + number + "/consoleText").body();
    }

    private void pause(Instant deadline, String what) throws InterruptedException {
        if (Instant.now().isAfter(deadline)) {
            throw new AssertionError("timed out waiting for " + what + "\n" + logTail());
        }
        Thread.sleep(500);
    }

    // ---- agents ----

    /**
     * Adds a permanent agent {@code name} with {@code label} that connects inbound over WebSocket (no TCP agent port),
     * and starts it: {@code agent.jar} downloaded from this controller ({@code /jnlpJars/agent.jar}), run as another JVM
     * with the secret the controller gives. Returns when the controller sees it online. Stopped by {@link #close()}.
     */
    public void startAgent(String name, String label) throws IOException, InterruptedException {
        String secret = groovy("""
                import hudson.slaves.*
                import jenkins.model.Jenkins
                def j = Jenkins.get()
                if (j.getNode('%1$s') == null) {
                    def launcher = new JNLPLauncher()
                    launcher.webSocket = true
                    def agent = new DumbSlave('%1$s', '%2$s', launcher)
                    agent.numExecutors = 1
                    agent.labelString = '%3$s'
                    agent.mode = hudson.model.Node.Mode.EXCLUSIVE
                    j.addNode(agent)
                }
                print j.getComputer('%1$s').jnlpMac
                """.formatted(name, dir.resolve("agent-" + name).toString(), label)).strip();
        Path jar = dir.resolve("agent.jar");
        HttpResponse<Path> download = http.send(request("/jnlpJars/agent.jar").GET().build(), HttpResponse.BodyHandlers.ofFile(jar));
        if (download.statusCode() != 200) {
            throw new IOException("/jnlpJars/agent.jar: HTTP " + download.statusCode());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "-url", url().toString(), "-name", name, "-secret", secret, "-webSocket", "-workDir", dir.resolve("agent-" + name).toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent-" + name + ".log").toFile()))
                .start();
        agents.add(agent);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (getJson("/computer/" + name + "/api/json?tree=offline").path("offline").asBoolean(true)) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("agent " + name + " exited: " + Files.readString(dir.resolve("agent-" + name + ".log")));
            }
            pause(deadline, "agent " + name + " to come online");
        }
    }

    // ---- lifecycle ----

    /**
     * Stops the controller (as {@code /exit} does: Jenkins saves and shuts down cleanly) and starts it again on the same
     * port and JENKINS_HOME: jobs, builds, credentials and the global configuration must come back from disk.
     */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    private void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            postForm("/exit", Map.of());
        } catch (IOException connectionClosedWhileExiting) {
            // expected: Jenkins closes the connection as it goes
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            for (Process agent : agents) {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        }
    }

    static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
