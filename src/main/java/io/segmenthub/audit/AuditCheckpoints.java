package io.segmenthub.audit;

import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.system.HubProperties;
import io.segmenthub.system.Timestamps;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signed checkpoints of the audit log (in the spirit of RFC 6962 signed tree heads): the entry
 * count and head hash, signed with Ed25519 (RFC 8032, BouncyCastle) by a key kept in the
 * keystore. Verification recomputes the hash chain and checks every checkpoint's signature and
 * that the entry it names still has the hash it signed, so an edit, a deletion or a truncation of
 * the log is found and named.
 */
@Component
public class AuditCheckpoints {

    public record Checkpoint(long id, Instant at, long treeSize, String headHash, String reason, String publicKey, String signature) {
    }

    /** The outcome of a full check: the first problem found, if any, said so that an officer can act on it. */
    public record Verification(boolean intact, long entries, long checkpoints, Optional<Long> firstBrokenEntry,
                               Optional<String> problem) {
    }

    private final AuditLog log;
    private final JdbcClient jdbc;
    private final HubProperties properties;
    private final Clock clock;
    private volatile Ed25519PrivateKeyParameters key;

    public AuditCheckpoints(AuditLog log, JdbcClient jdbc, HubProperties properties, Clock clock) {
        this.log = log;
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    public synchronized Checkpoint sign(String reason) {
        AuditLog.Head current = log.head();
        long size = current.entries();
        String head = current.hash();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Ed25519PrivateKeyParameters signingKey = signingKey();
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, signingKey);
        byte[] message = message(size, head, at);
        signer.update(message, 0, message.length);
        String signature = Base64.getEncoder().encodeToString(signer.generateSignature());
        String publicKey = Base64.getEncoder().encodeToString(signingKey.generatePublicKey().getEncoded());
        var holder = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                        INSERT INTO audit_checkpoint (at, tree_size, head_hash, reason, public_key, signature)
                        VALUES (:at, :size, :head, :reason, :pk, :sig)""")
                .param("at", Timestamps.utc(at)).param("size", size).param("head", head)
                .param("reason", reason.length() > 200 ? reason.substring(0, 200) : reason)
                .param("pk", publicKey).param("sig", signature)
                .update(holder, "id");
        return new Checkpoint(holder.getKey().longValue(), at, size, head, reason, publicKey, signature);
    }

    public Verification verify() {
        List<Checkpoint> checkpoints = all();
        AuditLog.Verification chain = log.verify(checkpoints.stream().map(Checkpoint::treeSize).collect(java.util.stream.Collectors.toSet()));
        if (!chain.intact()) {
            long broken = chain.firstBrokenId().orElseThrow();
            return new Verification(false, chain.entries(), checkpoints.size(), chain.firstBrokenId(), Optional.of(chain.chainsTo()
                    .map(earlier -> "entry " + broken + " is unchanged but follows from entry " + earlier + ", not from the one before it:"
                            + " the entries between were written at the same moment by another transaction (which hubs before"
                            + " migration V19 allowed, e.g. a profile search during a sync) or were inserted later")
                    .orElse("entry " + broken + " does not follow from the one before it: it, or an earlier one, was changed or removed")));
        }
        String ourKey = Base64.getEncoder().encodeToString(signingKey().generatePublicKey().getEncoded());
        for (Checkpoint c : checkpoints) {
            if (!c.publicKey().equals(ourKey) || !signatureHolds(c)) {
                return new Verification(false, chain.entries(), checkpoints.size(), Optional.empty(),
                        Optional.of("checkpoint " + c.id() + " is not signed by this hub's audit key"));
            }
            if (c.treeSize() > chain.entries()) {
                return new Verification(false, chain.entries(), checkpoints.size(), Optional.empty(),
                        Optional.of("checkpoint " + c.id() + " covers " + c.treeSize() + " entries but the log holds " + chain.entries()
                                + ": entries were removed from its end"));
            }
            if (c.treeSize() > 0 && !chain.hashesAt().get(c.treeSize()).equals(c.headHash())) {
                return new Verification(false, chain.entries(), checkpoints.size(), Optional.empty(),
                        Optional.of("checkpoint " + c.id() + ": entry number " + c.treeSize() + " no longer has the hash that was signed;"
                                + " the log was rewritten"));
            }
        }
        return new Verification(true, chain.entries(), checkpoints.size(), Optional.empty(), Optional.empty());
    }

    public List<Checkpoint> all() {
        return jdbc.sql("SELECT id, at, tree_size, head_hash, reason, public_key, signature FROM audit_checkpoint ORDER BY id")
                .query((rs, n) -> new Checkpoint(rs.getLong(1), Timestamps.read(rs, "at"), rs.getLong(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)))
                .list();
    }

    private boolean signatureHolds(Checkpoint c) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(Base64.getDecoder().decode(c.publicKey()), 0));
        byte[] message = message(c.treeSize(), c.headHash(), c.at());
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(Base64.getDecoder().decode(c.signature()));
    }

    private static byte[] message(long size, String head, Instant at) {
        return ("segment-hub audit checkpoint v1\n" + size + "\n" + head + "\n" + at).getBytes(StandardCharsets.UTF_8);
    }

    private Ed25519PrivateKeyParameters signingKey() {
        Ed25519PrivateKeyParameters k = key;
        if (k == null) {
            byte[] seed = MasterKeys.signingSeed(Path.of(properties.keystore()), properties.keystorePassword().toCharArray());
            k = new Ed25519PrivateKeyParameters(seed, 0);
            java.util.Arrays.fill(seed, (byte) 0);
            key = k;
        }
        return k;
    }
}
