package io.gatehouse.jenkins.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Opens the built target/gatehouse.hpi the way Jenkins would and checks what a plugin needs to load:
 * the manifest, WEB-INF/lib (our jars and their runtime dependencies, never the stubs or anything Jenkins
 * provides), the sezpoz index of every {@code @Extension}, the annotation-indexer index of every {@code @Symbol},
 * well-formed Jelly, a help file per step parameter, and the source reference of every stub.
 * Runs in {@code verify} (failsafe), after {@code package}.
 */
public class GatehouseHpiIT {
    static final Map<String, String> EXPECTED_DEPENDENCIES = new LinkedHashMap<>();

    static {
        // The minimum versions: the tags the stubs are checked against (jenkins-api-stubs/README.md), which are the
        // versions in ../shared/jenkins, so the real controller of the E2E tests loads the plugin with the check on.
        EXPECTED_DEPENDENCIES.put("workflow-step-api", "678.v3ee58b_469476");
        EXPECTED_DEPENDENCIES.put("credentials", "1405.vb_cda_74a_f8974");
        EXPECTED_DEPENDENCIES.put("plain-credentials", "183.va_de8f1dd5a_2b_");
        EXPECTED_DEPENDENCIES.put("structs", "338.v848422169819");
        // added for issue #16 part 3: WarningAction/FlowNode, Bouncy Castle, the optional folder property
        EXPECTED_DEPENDENCIES.put("workflow-api", "1358.vfb_5780da_64cb_");
        EXPECTED_DEPENDENCIES.put("bouncycastle-api", "2.30.1.80-256.vf98926042a_9b_");
        EXPECTED_DEPENDENCIES.put("cloudbees-folder", "6.955.v81e2a_35c08d3"); // ;resolution:=optional
    }

    static final Set<String> STEPS = Set.of("mirrorImage", "scanImage", "promoteImage", "signImage");
    /** Packages that must come from Jenkins at run time: a class from them in WEB-INF/lib would shadow or clash. */
    static final List<String> JENKINS_PROVIDED = List.of("hudson/", "jenkins/", "org/kohsuke/stapler/", "org/jenkinsci/plugins/",
            "org/jenkinsci/Symbol", "com/cloudbees/plugins/credentials/", "net/java/sezpoz/", "org/jvnet/hudson/annotation_indexer/",
            "org/springframework/", "org/slf4j/", "net/sf/json/", "io/gatehouse/jenkins/build/", "org/bouncycastle/",
            "com/cloudbees/hudson/plugins/folder/");

    static Path hpi;
    static Path work;
    static Path pluginJar;
    static URLClassLoader pluginLoader;

    @BeforeAll
    static void unpack() throws IOException {
        hpi = Path.of(System.getProperty("gatehouse.hpi", "target/gatehouse.hpi"));
        assertThat(hpi).as("run `mvn verify`: the .hpi is built in package").exists();
        work = Files.createTempDirectory("hpi");
        List<URL> urls = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(hpi))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith("WEB-INF/lib/") && e.getName().endsWith(".jar")) {
                    Path jar = work.resolve(e.getName().substring("WEB-INF/lib/".length()));
                    Files.copy(in, jar);
                    urls.add(jar.toUri().toURL());
                    try (JarFile j = new JarFile(jar.toFile())) {
                        if (j.getEntry("io/gatehouse/jenkins/steps/") != null || j.getEntry("io/gatehouse/jenkins/GatehouseConfiguration.class") != null) {
                            pluginJar = jar;
                        }
                    }
                }
            }
        }
        assertThat(pluginJar).as("the plugin's own classes jar in WEB-INF/lib").isNotNull();
        // Parent: the test class path, which holds the stubs (as Jenkins would hold the real classes).
        pluginLoader = new URLClassLoader(urls.toArray(new URL[0]), GatehouseHpiIT.class.getClassLoader());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (pluginLoader != null) {
            pluginLoader.close();
        }
        if (work != null) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void manifestDescribesAJenkinsPlugin() throws IOException {
        Attributes a;
        try (JarFile jar = new JarFile(hpi.toFile())) {
            Manifest m = jar.getManifest();
            assertThat(m).isNotNull();
            a = m.getMainAttributes();
        }
        assertThat(a.getValue("Manifest-Version")).isEqualTo("1.0");
        assertThat(a.getValue("Short-Name")).isEqualTo("gatehouse");
        assertThat(a.getValue("Extension-Name")).isEqualTo("gatehouse");
        assertThat(a.getValue("Group-Id")).isEqualTo("io.gatehouse");
        assertThat(a.getValue("Long-Name")).isNotBlank();
        assertThat(a.getValue("Url")).startsWith("https://");
        assertThat(a.getValue("Plugin-Version")).isNotBlank();
        assertThat(a.getValue("Jenkins-Version")).isEqualTo("2.479.3");
        assertThat(a.getValue("Minimum-Java-Version")).isEqualTo("17");
        // We have no hudson.Plugin subclass; Jenkins then uses a default one. If one is added, it must be named.
        assertThat(a.getValue("Plugin-Class")).isNull();

        Map<String, String> deps = new LinkedHashMap<>();
        for (String d : a.getValue("Plugin-Dependencies").split(",")) {
            String[] nv = d.split(":");
            assertThat(nv).as("name:version[;resolution:=optional] in %s", d).hasSizeGreaterThanOrEqualTo(2);
            deps.put(nv[0], nv[1].replace(";resolution", ""));
        }
        assertThat(deps).isEqualTo(EXPECTED_DEPENDENCIES);
        assertThat(deps.values()).allSatisfy(v -> assertThat(v).doesNotContain("SNAPSHOT").doesNotContain("$"));
    }

    @Test
    void webInfLibHasCoreAndRuntimeDependenciesButNothingJenkinsProvides() throws IOException {
        List<String> jars;
        try (Stream<Path> s = Files.list(work)) {
            jars = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertThat(jars).anyMatch(n -> n.startsWith("gatehouse-core-"));
        assertThat(jars).anyMatch(n -> n.startsWith("okhttp-jvm-"));
        assertThat(jars).anyMatch(n -> n.startsWith("jackson-databind-"));
        assertThat(jars).noneMatch(n -> n.startsWith("jenkins-api-stubs") || n.startsWith("plugin-symbol-indexer")
                || n.startsWith("sezpoz") || n.startsWith("slf4j-api") || n.startsWith("jenkins-core")
                || n.startsWith("junit") || n.startsWith("mockito") || n.startsWith("assertj") || n.startsWith("gatehouse-registry-server")
                || n.startsWith("jetty-") || n.startsWith("bcprov") || n.startsWith("bcpkix") || n.startsWith("bcutil"));
        // Stronger than names: no class of a Jenkins-provided package in any packaged jar.
        for (String name : jars) {
            try (ZipFile z = new ZipFile(work.resolve(name).toFile())) {
                List<String> offending = z.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                        .filter(n -> JENKINS_PROVIDED.stream().anyMatch(n::startsWith)).limit(3).toList();
                assertThat(offending).as("Jenkins-provided classes packaged in %s", name).isEmpty();
            }
        }
    }

    @Test
    void sezpozIndexListsEveryExtension() throws Exception {
        Set<String> indexed = new TreeSet<>();
        for (IndexItem<hudson.Extension, Object> item : Index.load(hudson.Extension.class, Object.class, pluginLoader)) {
            indexed.add(item.className());
        }
        Set<String> annotated = classesAnnotatedWith(hudson.Extension.class);
        assertThat(annotated).contains("io.gatehouse.jenkins.GatehouseConfiguration",
                "io.gatehouse.jenkins.steps.MirrorImageStep$DescriptorImpl", "io.gatehouse.jenkins.steps.ScanImageStep$DescriptorImpl",
                "io.gatehouse.jenkins.steps.PromoteImageStep$DescriptorImpl", "io.gatehouse.jenkins.steps.SignImageStep$DescriptorImpl");
        assertThat(indexed).isEqualTo(annotated);
    }

    @Test
    void symbolIndexListsEveryStepAsAnnotationIndexerWould() throws Exception {
        List<String> lines;
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            ZipEntry e = jar.getEntry("META-INF/services/annotations/org.jenkinsci.Symbol");
            assertThat(e).as("annotation-indexer's index file").isNotNull();
            try (InputStream in = jar.getInputStream(e)) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        }
        assertThat(lines).as("sorted, one binary class name per line").isSorted().doesNotHaveDuplicates();
        assertThat(new TreeSet<>(lines)).isEqualTo(classesAnnotatedWith(org.jenkinsci.Symbol.class));
        Set<String> stepSymbols = new TreeSet<>();
        for (String className : lines) {
            Class<?> c = Class.forName(className, false, pluginLoader);
            if (org.jenkinsci.plugins.workflow.steps.StepDescriptor.class.isAssignableFrom(c)) {
                stepSymbols.addAll(List.of(c.getAnnotation(org.jenkinsci.Symbol.class).value()));
            }
        }
        assertThat(stepSymbols).containsExactlyInAnyOrderElementsOf(STEPS);
    }

    @Test
    void everyJellyFileIsWellFormedAndEveryStepHasItsFormAndHelp() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        List<String> jelly = new ArrayList<>();
        Set<String> entries = new TreeSet<>();
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            for (Enumeration<java.util.jar.JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                var e = en.nextElement();
                entries.add(e.getName());
                if (e.getName().endsWith(".jelly") || e.getName().endsWith(".html")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        factory.newDocumentBuilder().parse(in, e.getName()); // throws on malformed XML
                    }
                    if (e.getName().endsWith(".jelly")) {
                        jelly.add(e.getName());
                    }
                }
            }
        }
        assertThat(entries).contains("index.jelly", "io/gatehouse/jenkins/GatehouseConfiguration/config.jelly",
                "io/gatehouse/jenkins/scan/ScanReportAction/summary.jelly");
        assertThat(jelly).hasSizeGreaterThanOrEqualTo(8);
        for (String step : List.of("MirrorImageStep", "ScanImageStep", "PromoteImageStep", "SignImageStep")) {
            String dir = "io/gatehouse/jenkins/steps/" + step + "/";
            assertThat(entries).contains(dir + "config.jelly");
            for (String param : dataBoundParameters(Class.forName("io.gatehouse.jenkins.steps." + step, false, pluginLoader))) {
                assertThat(entries).as("help file for %s.%s", step, param).contains(dir + "help-" + param + ".html");
            }
        }
        for (String param : dataBoundParameters(Class.forName("io.gatehouse.jenkins.GatehouseConfiguration", false, pluginLoader))) {
            assertThat(entries).as("help for global %s", param).contains("io/gatehouse/jenkins/GatehouseConfiguration/help-" + param + ".html");
        }
    }

    @Test
    void everyStubCarriesItsSourceReference() throws IOException {
        Path stubs = Path.of(System.getProperty("gatehouse.stubs", "../jenkins-api-stubs/src/main/java"));
        Pattern header = Pattern.compile("// Source: [\\w.-]+/[\\w.-]+@\\S+ .*?(\\S+\\.java)");
        List<Path> files;
        try (Stream<Path> s = Files.walk(stubs)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).hasSizeGreaterThan(40);
        for (Path f : files) {
            String first = Files.readAllLines(f).get(0);
            var m = header.matcher(first);
            assertThat(m.matches()).as("%s starts with `// Source: owner/repo@tag <root>/<path>.java`: %s", f, first).isTrue();
            String relative = stubs.relativize(f).toString().replace('\\', '/');
            assertThat(m.group(1)).as("the cited path is this stub's own path").endsWith(relative);
        }
    }

    private static Set<String> classesAnnotatedWith(Class<? extends java.lang.annotation.Annotation> annotation) throws Exception {
        Set<String> result = new TreeSet<>();
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            for (String name : jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && !n.contains("module-info")).toList()) {
                String cn = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                Class<?> c = Class.forName(cn, false, pluginLoader);
                if (c.isAnnotationPresent(annotation)) {
                    result.add(cn);
                }
            }
        }
        return result;
    }

    /** Names of @DataBoundConstructor parameters and @DataBoundSetter properties (compiled with -parameters). */
    public static Set<String> dataBoundParameters(Class<?> c) {
        Set<String> names = new TreeSet<>();
        for (var ctor : c.getConstructors()) {
            if (ctor.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : ctor.getParameters()) {
                    names.add(p.getName());
                }
            }
        }
        for (Method m : c.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class) && m.getName().startsWith("set")) {
                names.add(Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4));
            }
        }
        return names;
    }
}
