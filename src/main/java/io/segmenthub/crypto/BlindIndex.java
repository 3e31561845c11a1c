package io.segmenthub.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Blind indexes let the hub match and look up records on personal data it only stores encrypted:
 * the index is a keyed HMAC-SHA256 (<a href="https://www.rfc-editor.org/rfc/rfc2104">RFC 2104</a>)
 * of the normalised value, so equal values give equal indexes while anyone without the keystore
 * cannot test guesses against them, as they could against a plain hash.
 *
 * <p>Each domain ("email", "phone", ...) gets its own HMAC key, derived from the index root key
 * with HKDF-SHA256 (<a href="https://www.rfc-editor.org/rfc/rfc5869">RFC 5869</a>, info =
 * {@code "segment-hub blind index " + domain}), so the same string in two domains gives unrelated
 * indexes and an index cannot be joined across domains. The root key is already uniformly random,
 * so no salt is used (RFC 5869 section 3.1). Domains are case-sensitive.
 *
 * <p>Normalise before indexing (the {@code clean} step does): the index of "Ann@Example.com" and
 * "ann@example.com" differ. Thread-safe.
 */
public final class BlindIndex {

    static final String INFO_PREFIX = "segment-hub blind index ";
    private static final String HMAC = "HmacSHA256";

    private final MasterKeys keys;
    private final Map<String, SecretKeySpec> domainKeys = new ConcurrentHashMap<>();
    /**
     * Each thread's HMACs, one per domain, keyed already: {@code doFinal} leaves a Mac keyed for the
     * next value, and looking one up and keying it took more time than the HMAC itself.
     */
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    public BlindIndex(MasterKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * The blind index of an already-normalised value in {@code domain}: base64url without padding
     * of HMAC-SHA256 under the domain key. Stable across restarts with the same keystore.
     */
    public String of(String domain, String normalisedValue) {
        Objects.requireNonNull(normalisedValue, "normalisedValue");
        return of(domain, normalisedValue.getBytes(StandardCharsets.UTF_8));
    }

    /** The same for a value already in bytes (a record written out for change detection). */
    public String of(String domain, byte[] value) {
        Objects.requireNonNull(value, "value");
        return of(domain, value, value.length);
    }

    /** The same for the first {@code length} bytes of {@code value} (a buffer that is written again for the next). */
    public String of(String domain, byte[] value, int length) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(value, "value");
        if (domain.isBlank()) {
            throw new CryptoException("A blind-index domain must not be blank");
        }
        Mac mac = macs.get().computeIfAbsent(domain, this::keyedMac);
        mac.update(value, 0, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    }

    /** A Mac keyed for the domain; Macs are not thread-safe, so each thread keys its own. */
    private Mac keyedMac(String domain) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(domainKeys.computeIfAbsent(domain, this::deriveDomainKey));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new CryptoException("HMAC-SHA256 is not available", e);
        }
    }

    private SecretKeySpec deriveDomainKey(String domain) {
        byte[] rootKey = keys.indexRootKey();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(rootKey, null, (INFO_PREFIX + domain).getBytes(StandardCharsets.UTF_8)));
        byte[] domainKey = new byte[MasterKeys.KEY_BYTES];
        hkdf.generateBytes(domainKey, 0, domainKey.length);
        Arrays.fill(rootKey, (byte) 0);
        return new SecretKeySpec(domainKey, HMAC);
    }
}
