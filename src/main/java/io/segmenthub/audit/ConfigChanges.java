package io.segmenthub.audit;

import io.segmenthub.system.HubConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Audits configuration changes: at start-up the digest of every file in the config folder is
 * compared with the digests the audit log last recorded, and each file that is new, changed or
 * gone gets an entry. Config files hold no secrets (those come from the environment), but which
 * purposes, segments and destinations were in force is part of the record a regulator asks for.
 */
@Component
public class ConfigChanges {

    private final Path dir;
    private final AuditLog audit;
    private final JdbcClient jdbc;

    @Autowired
    public ConfigChanges(HubConfig config, AuditLog audit, JdbcClient jdbc) {
        this(config.dir(), audit, jdbc);
    }

    ConfigChanges(Path dir, AuditLog audit, JdbcClient jdbc) {
        this.dir = dir;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    /** In one transaction that holds the audit chain: an instance starting at the same moment waits, then finds these entries. */
    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void recordChanges() {
        Map<String, String> now = digests(dir);
        audit.holdChain();
        Map<String, String> before = new TreeMap<>();
        jdbc.sql("SELECT subject, detail FROM audit_log WHERE action = 'CONFIG' ORDER BY id")
                .query(rs -> {
                    String detail = rs.getString(2);
                    before.put(rs.getString(1), detail.startsWith("removed") ? null : detail.substring(detail.indexOf("sha256=") + 7));
                });
        before.values().removeIf(v -> v == null);
        List<AuditLog.Entry> entries = new java.util.ArrayList<>();
        now.forEach((file, digest) -> {
            String previous = before.get(file);
            if (!digest.equals(previous)) {
                entries.add(new AuditLog.Entry(null, "hub", "CONFIG", file, (previous == null ? "added" : "changed") + " sha256=" + digest));
            }
        });
        before.keySet().stream().filter(file -> !now.containsKey(file))
                .forEach(file -> entries.add(new AuditLog.Entry(null, "hub", "CONFIG", file, "removed")));
        audit.append(entries);
    }

    static Map<String, String> digests(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .collect(Collectors.toMap(p -> p.getFileName().toString(), ConfigChanges::sha256, (a, b) -> a, TreeMap::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
