package io.gatehouse.registry.metadata;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Brings a database's schema up to the migrations shipped in a classpath folder, with Flyway — but only when
 * there is something to do. Starting Flyway costs about a second and a half of CPU (some 1,500 classes, a scan of the
 * whole jar, a parse of every script) on every start of the registry, for nothing once the schema is current, which
 * it is on every restart but the first after an upgrade. So the versions recorded as applied in Flyway's history
 * table are compared with the versions of the scripts in the folder first (one query, one pass over the jar's
 * directory); Flyway runs when they differ, or when the comparison cannot be made (no history table yet, a failed
 * migration recorded, a folder that is neither a jar nor a directory).
 * <p>
 * What is given up when Flyway is skipped: its check that applied scripts were not edited afterwards (checksums).
 * Shipped migrations are never edited (a change is a new version), and Flyway still checks them whenever a new
 * version arrives.
 */
public final class Migrations {
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__.+\\.sql");

    private Migrations() {
    }

    /** Migrates {@code ds} to the scripts under classpath folder {@code folder} (e.g. {@code db/vulndb}). */
    public static void migrate(DataSource ds, String folder) {
        migrate(ds, List.of(folder));
    }

    /** Migrates {@code ds} to the scripts of all {@code folders} together (one history, e.g. the common and a dialect's). */
    public static void migrate(DataSource ds, List<String> folders) {
        if (isCurrent(ds, folders)) return;
        Flyway.configure().dataSource(ds).locations(folders.stream().map(f -> "classpath:" + f).toArray(String[]::new))
                .load().migrate();
    }

    static boolean isCurrent(DataSource ds, String folder) {
        return isCurrent(ds, List.of(folder));
    }

    /** True when the history table records exactly the shipped versions, all applied successfully. */
    static boolean isCurrent(DataSource ds, List<String> folders) {
        Set<String> shipped = new HashSet<>();
        for (String folder : folders) {
            Set<String> some = shippedVersions(folder);
            if (some == null) return false;
            shipped.addAll(some);
        }
        if (shipped.isEmpty()) return false;
        Set<String> applied = new HashSet<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                if (!rs.getBoolean(2)) return false; // a failed migration: Flyway reports it
                applied.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return false; // no history table yet (a new database): Flyway creates it
        }
        return applied.equals(shipped);
    }

    /** The versions ("1", "20", "1.1" for V1_1__) of the scripts in the folder, or null when they cannot be listed. */
    static Set<String> shippedVersions(String folder) {
        Set<String> versions = new HashSet<>();
        try {
            Enumeration<URL> roots = Migrations.class.getClassLoader().getResources(folder);
            if (!roots.hasMoreElements()) return null;
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("jar".equals(root.getProtocol())) {
                    URLConnection conn = root.openConnection();
                    if (!(conn instanceof JarURLConnection jar)) return null;
                    // the class loader's own open copy of the jar: no second read of the file
                    jar.setUseCaches(true);
                    JarFile file = jar.getJarFile();
                    String prefix = folder.endsWith("/") ? folder : folder + "/";
                    for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                        String name = e.nextElement().getName();
                        if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                            add(versions, name.substring(prefix.length()));
                        }
                    }
                } else if ("file".equals(root.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                        files.forEach(p -> add(versions, p.getFileName().toString()));
                    }
                } else {
                    return null;
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
        return versions;
    }

    private static void add(Set<String> versions, String fileName) {
        Matcher m = VERSIONED.matcher(fileName);
        if (m.matches()) versions.add(m.group(1).replace('_', '.'));
    }
}
