package io.gatehouse.registry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit events that could not be written to the database, kept on disk until they can: {@code spool.jsonl} (one JSON
 * event per line, each forced to disk before the caller is told the record is safe) in a directory only the owner can
 * read. A management API change is already committed when its record is written, so a record that the database
 * refuses must survive elsewhere rather than be lost.
 *
 * <p>Replaying is crash-safe: the spool is first renamed to {@code spool.replaying.jsonl} (new events go on into a
 * fresh spool), every event carries an id that the database stores uniquely, so an event inserted before a crash is
 * not inserted twice, and the replaying file is deleted only once every one of its events is in the database.
 */
public final class AuditSpool {

    private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An event waiting in the spool, with the id that makes its replay idempotent. */
    public record Spooled(String id, AuditEvent event) { }

    /** Stores one spooled event in the database, ignoring it when its id is already there; throws when it cannot. */
    @FunctionalInterface
    public interface Sink {
        void insert(Spooled event);
    }

    private final Path dir;
    private final Path spool;
    private final Path replaying;
    private final Object appendLock = new Object();
    private final Object replayLock = new Object();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();

    /** @param dir the spool's directory, usually {@code <data dir>/audit}; created (owner-only) on first use */
    public AuditSpool(Path dir) {
        this.dir = dir;
        this.spool = dir.resolve("spool.jsonl");
        this.replaying = dir.resolve("spool.replaying.jsonl");
        pending.set(lines(replaying) + lines(spool));
    }

    /** The spool under {@code dataDir}: {@code <dataDir>/audit}. */
    public static AuditSpool in(Path dataDir) {
        return new AuditSpool(dataDir.resolve("audit"));
    }

    public Path file() {
        return spool;
    }

    /** Events in the spool, not yet in the database. */
    public long pending() {
        return pending.get();
    }

    /** Events ever appended to the spool by this process. */
    public long spooled() {
        return spooled.get();
    }

    /**
     * Appends {@code event} and forces it to disk.
     *
     * @throws IOException when the event is not durably stored (the caller must not report success)
     */
    public void append(AuditEvent event) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", UUID.randomUUID().toString());
        n.put("at", event.at().toEpochMilli());
        n.put("actor", event.actor());
        n.put("actorKind", event.actorKind());
        n.put("action", event.action());
        n.put("target", event.target());
        n.put("sourceAddress", event.sourceAddress());
        n.put("outcome", event.outcome().name());
        n.put("detail", event.detail());
        byte[] line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (appendLock) {
            createDirectory();
            try (FileChannel ch = FileChannel.open(spool, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), ownerOnly("rw-------"))) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            pending.incrementAndGet();
            spooled.incrementAndGet();
        }
    }

    /**
     * Moves the spooled events, oldest first, into {@code sink}. Stops at the first event the sink refuses (left for
     * the next attempt, in order).
     *
     * @return whether the spool is now empty
     */
    public boolean replay(Sink sink) {
        synchronized (replayLock) {
            try {
                if (!Files.exists(replaying)) {
                    synchronized (appendLock) {
                        if (!Files.exists(spool)) return true;
                        Files.move(spool, replaying, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                List<String> all = Files.readAllLines(replaying, StandardCharsets.UTF_8);
                for (String line : all) {
                    if (line.isBlank()) continue;
                    Spooled s;
                    try {
                        s = parse(line);
                    } catch (IOException | RuntimeException e) {
                        // only a line cut short by a crash while it was written (never acknowledged) can be unreadable
                        LOG.warn("skipping an unreadable line in the audit spool {}: {}", replaying, e.toString());
                        continue;
                    }
                    sink.insert(s); // a refusal leaves the file, and the events from this one on, for the next attempt
                }
                Files.delete(replaying);
                return !Files.exists(spool);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                // recounted rather than tracked per event: after a partial replay, events already stored stay in the file
                synchronized (appendLock) {
                    pending.set(lines(replaying) + lines(spool));
                }
            }
        }
    }

    private static Spooled parse(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        AuditEvent e = new AuditEvent(0, Instant.ofEpochMilli(n.path("at").asLong()), n.path("actor").asText(),
                n.path("actorKind").asText(), n.path("action").asText(), n.path("target").asText(),
                n.path("sourceAddress").asText(), AuditEvent.Outcome.valueOf(n.path("outcome").asText()), n.path("detail").asText());
        String id = n.path("id").asText();
        if (id.isEmpty()) throw new IOException("no id");
        return new Spooled(id, e);
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(dir)) Files.createDirectories(dir, ownerOnly("rwx------"));
    }

    private static FileAttribute<?>[] ownerOnly(String perms) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new FileAttribute<?>[0];
    }

    private static long lines(Path file) {
        if (!Files.exists(file)) return 0;
        try (var s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.filter(l -> !l.isBlank()).count();
        } catch (IOException | UncheckedIOException e) {
            LOG.error("cannot read the audit spool {}: {}", file, e.toString());
            return 0;
        }
    }
}
