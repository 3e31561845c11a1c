package io.segmenthub.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys of the hub, kept in one password-protected BouncyCastle BCFKS keystore file.
 *
 * <p>Why BCFKS: unlike JKS and PKCS#12 it protects the whole file with a MAC and every entry with
 * its own password-derived key (PBKDF2, AES-256 CCM), and it stores plain secret keys. The file
 * holds
 * <ul>
 *   <li>{@code master-N}: AES-256 keys that wrap per-record data keys (see {@link EnvelopeCipher});
 *       the highest {@code N} is the current one, older ones stay so that data keys wrapped under
 *       them can still be unwrapped until they are re-wrapped;</li>
 *   <li>{@code index-1}: the 256-bit root key from which {@link BlindIndex} derives its
 *       per-domain HMAC keys. It never rotates silently: a new index key means re-indexing.</li>
 * </ul>
 *
 * <p>Keys are held in memory for the life of this object; the password is used to open the file
 * and is not kept. The caller owns the password array and may clear it after this call.
 */
public final class MasterKeys {

    static final String FIRST_MASTER_KEY_ID = "master-1";
    static final String INDEX_ROOT_KEY_ID = "index-1";
    static final String SIGNING_SEED_ID = "signing-1";
    static final int KEY_BYTES = 32;

    private static final String PROVIDER = "BC";
    private static final String KEYSTORE_TYPE = "BCFKS";
    private static final Pattern MASTER_KEY_ALIAS = Pattern.compile("master-([1-9][0-9]{0,8})");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);

    private final Map<String, byte[]> masterKeys;
    private final String currentMasterKeyId;
    private final byte[] indexRootKey;
    private final boolean created;
    private byte[] signingSeed;

    private MasterKeys(Map<String, byte[]> masterKeys, String currentMasterKeyId, byte[] indexRootKey,
            boolean created) {
        this.masterKeys = masterKeys;
        this.currentMasterKeyId = currentMasterKeyId;
        this.indexRootKey = indexRootKey;
        this.created = created;
    }

    /**
     * The 32-byte seed of the Ed25519 key that signs audit checkpoints (RFC 8032), kept in the
     * keystore beside the master keys. A keystore made before checkpoints existed gets one added.
     */
    public static byte[] signingSeed(Path keystoreFile, char[] password) {
        MasterKeys keys = openOrCreate(keystoreFile, password);
        if (keys.signingSeed == null) {
            byte[] seed = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(seed);
            rewrite(keystoreFile, password, keyStore -> {
                if (!keyStore.containsAlias(SIGNING_SEED_ID)) {
                    keyStore.setEntry(SIGNING_SEED_ID, new KeyStore.SecretKeyEntry(new SecretKeySpec(seed, "HmacSHA256")),
                            new KeyStore.PasswordProtection(password));
                }
            });
            keys = open(keystoreFile, password);
        }
        return keys.signingSeed.clone();
    }

    /**
     * Opens the keystore file, or creates it (and its parent folders) with a fresh AES-256 master
     * key "master-1" and a 256-bit blind-index root key "index-1" when the file does not exist.
     * A created file is readable and writable by its owner only where the file system supports
     * POSIX permissions. Wrong password or corrupt file: {@link CryptoException} naming the file,
     * never the password.
     */
    public static MasterKeys openOrCreate(Path keystoreFile, char[] password) {
        Objects.requireNonNull(keystoreFile, "keystoreFile");
        Objects.requireNonNull(password, "password");
        if (password.length == 0) {
            throw new CryptoException("Keystore " + keystoreFile + ": the password must not be empty");
        }
        registerProvider();
        if (Files.exists(keystoreFile)) {
            return open(keystoreFile, password);
        }
        try {
            return create(keystoreFile, password);
        } catch (FileAlreadyExistsException raced) {
            // another process created it between our check and our create: use theirs
            return open(keystoreFile, password);
        }
    }

    /**
     * Adds the next master key version (master-N+1) to the keystore file and makes it current. The
     * older versions stay, so data keys wrapped under them still unwrap until they are re-wrapped
     * and the old version is retired. The file is replaced atomically (written beside it, then moved).
     */
    public static MasterKeys rotate(Path keystoreFile, char[] password) {
        MasterKeys before = openOrCreate(keystoreFile, password);
        int next = before.masterKeys.keySet().stream().map(MASTER_KEY_ALIAS::matcher).filter(Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0) + 1;
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        rewrite(keystoreFile, password, keyStore -> keyStore.setEntry("master-" + next,
                new KeyStore.SecretKeyEntry(new SecretKeySpec(key, "AES")), new KeyStore.PasswordProtection(password)));
        log.info("Keystore {}: added master key master-{} (now current)", keystoreFile, next);
        return open(keystoreFile, password);
    }

    /** Removes a master key version that no data key uses any more; the current one cannot be retired. */
    public static MasterKeys retire(Path keystoreFile, char[] password, String masterKeyId) {
        MasterKeys before = open(keystoreFile, password);
        if (masterKeyId.equals(before.currentMasterKeyId)) {
            throw new CryptoException("Keystore " + keystoreFile + ": " + masterKeyId + " is the current master key and cannot be retired");
        }
        if (!before.masterKeys.containsKey(masterKeyId)) {
            throw new CryptoException("Keystore " + keystoreFile + " holds no master key " + masterKeyId);
        }
        rewrite(keystoreFile, password, keyStore -> keyStore.deleteEntry(masterKeyId));
        log.info("Keystore {}: retired master key {}", keystoreFile, masterKeyId);
        return open(keystoreFile, password);
    }

    /** The master key versions this keystore holds. */
    public java.util.SortedSet<String> masterKeyIds() {
        return new java.util.TreeSet<>(masterKeys.keySet());
    }

    private interface KeyStoreChange {
        void apply(KeyStore keyStore) throws GeneralSecurityException;
    }

    private static void rewrite(Path file, char[] password, KeyStoreChange change) {
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance(KEYSTORE_TYPE, PROVIDER);
            keyStore.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException("Cannot open keystore " + file + ": wrong password or corrupt file", e);
        }
        byte[] content;
        try {
            change.apply(keyStore);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            keyStore.store(out, password);
            content = out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException("Cannot update keystore " + file + ": " + e.getClass().getSimpleName(), e);
        }
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.deleteIfExists(next);
            writeNewOwnerOnlyFile(next, content);
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietlyAfterFailure(next);
            throw new CryptoException("Cannot replace keystore " + file, e);
        }
    }

    /** The id of the master key new data keys are wrapped under: the highest-numbered version. */
    public String currentMasterKeyId() {
        return currentMasterKeyId;
    }

    /** True when this call created the keystore file, so callers can log or back it up. */
    public boolean created() {
        return created;
    }

    @Override
    public String toString() {
        return "MasterKeys[current=" + currentMasterKeyId + ", masterKeys=" + masterKeys.keySet() + "]";
    }

    /**
     * Keys held in memory only, for known-answer tests: production code opens a keystore.
     * The current master key is the highest-numbered one.
     */
    static MasterKeys inMemory(Map<String, byte[]> masterKeys, byte[] indexRootKey) {
        Map<String, byte[]> copies = new HashMap<>();
        int currentNumber = 0;
        for (Map.Entry<String, byte[]> entry : masterKeys.entrySet()) {
            Matcher master = MASTER_KEY_ALIAS.matcher(entry.getKey());
            if (!master.matches() || entry.getValue().length != KEY_BYTES) {
                throw new IllegalArgumentException("not a master-N 256-bit key: " + entry.getKey());
            }
            copies.put(entry.getKey(), entry.getValue().clone());
            currentNumber = Math.max(currentNumber, Integer.parseInt(master.group(1)));
        }
        if (copies.isEmpty() || indexRootKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("need at least one master key and a 256-bit index root key");
        }
        return new MasterKeys(Map.copyOf(copies), "master-" + currentNumber, indexRootKey.clone(), false);
    }

    /** The AES-256 master key with this id, if the keystore holds it. A copy: callers may clear it. */
    Optional<byte[]> masterKey(String masterKeyId) {
        byte[] key = masterKeys.get(masterKeyId);
        return key == null ? Optional.empty() : Optional.of(key.clone());
    }

    /** The blind-index root key. A copy: callers may clear it. */
    byte[] indexRootKey() {
        return indexRootKey.clone();
    }

    /** Adds the BouncyCastle provider once per JVM; it is appended, so JDK providers stay first. */
    static void registerProvider() {
        synchronized (Security.class) {
            if (Security.getProvider(PROVIDER) == null) {
                Security.addProvider(new BouncyCastleProvider());
            }
        }
    }

    private static MasterKeys open(Path file, char[] password) {
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance(KEYSTORE_TYPE, PROVIDER);
            keyStore.load(in, password);
        } catch (NoSuchFileException e) {
            throw new CryptoException("Keystore " + file + " disappeared while opening it", e);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // BCFKS reports a wrong password as a failed MAC over the file, indistinguishable from
            // a corrupt file, so the message names both possibilities.
            throw new CryptoException("Cannot open keystore " + file + ": wrong password or corrupt file", e);
        }
        Map<String, byte[]> masterKeys = new HashMap<>();
        byte[] indexRootKey = null;
        byte[] signingSeed = null;
        int currentNumber = 0;
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                Matcher master = MASTER_KEY_ALIAS.matcher(alias);
                if (master.matches()) {
                    masterKeys.put(alias, readKey(keyStore, alias, password, file));
                    currentNumber = Math.max(currentNumber, Integer.parseInt(master.group(1)));
                } else if (alias.equals(INDEX_ROOT_KEY_ID)) {
                    indexRootKey = readKey(keyStore, alias, password, file);
                } else if (alias.equals(SIGNING_SEED_ID)) {
                    signingSeed = readKey(keyStore, alias, password, file);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new CryptoException("Cannot read the keys in keystore " + file
                    + ": wrong entry password or corrupt entry", e);
        }
        if (masterKeys.isEmpty()) {
            throw new CryptoException("Keystore " + file + " holds no master key (alias master-N)");
        }
        if (indexRootKey == null) {
            throw new CryptoException("Keystore " + file + " holds no blind-index root key (alias "
                    + INDEX_ROOT_KEY_ID + ")");
        }
        MasterKeys keys = new MasterKeys(Map.copyOf(masterKeys), "master-" + currentNumber, indexRootKey, false);
        keys.signingSeed = signingSeed;
        return keys;
    }

    private static byte[] readKey(KeyStore keyStore, String alias, char[] password, Path file)
            throws GeneralSecurityException {
        Key key = keyStore.getKey(alias, password);
        byte[] encoded = key == null ? null : key.getEncoded();
        if (encoded == null || encoded.length != KEY_BYTES) {
            throw new CryptoException("Keystore " + file + ": entry " + alias + " is not a 256-bit secret key");
        }
        return encoded;
    }

    private static MasterKeys create(Path file, char[] password) throws FileAlreadyExistsException {
        SecureRandom random = new SecureRandom();
        byte[] masterKey = new byte[KEY_BYTES];
        byte[] indexRootKey = new byte[KEY_BYTES];
        random.nextBytes(masterKey);
        random.nextBytes(indexRootKey);

        byte[] content;
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        try {
            KeyStore keyStore = KeyStore.getInstance(KEYSTORE_TYPE, PROVIDER);
            keyStore.load(null, password);
            keyStore.setEntry(FIRST_MASTER_KEY_ID,
                    new KeyStore.SecretKeyEntry(new SecretKeySpec(masterKey, "AES")), protection);
            keyStore.setEntry(INDEX_ROOT_KEY_ID,
                    new KeyStore.SecretKeyEntry(new SecretKeySpec(indexRootKey, "HmacSHA256")), protection);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            keyStore.store(out, password);
            content = out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException("Cannot create keystore " + file, e);
        } finally {
            destroy(protection);
        }

        writeNewOwnerOnlyFile(file, content);
        log.info("Created keystore {} with master key {} and blind-index root key {}",
                file, FIRST_MASTER_KEY_ID, INDEX_ROOT_KEY_ID);
        return new MasterKeys(Map.of(FIRST_MASTER_KEY_ID, masterKey), FIRST_MASTER_KEY_ID, indexRootKey, true);
    }

    /**
     * Writes a file that must not exist yet (so two processes can never overwrite each other's
     * keys), with rw------- from the moment it exists where POSIX permissions are supported.
     */
    private static void writeNewOwnerOnlyFile(Path file, byte[] content) throws FileAlreadyExistsException {
        boolean posix = supportsPosix(file);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new CryptoException("Cannot create the folder for keystore " + file, e);
        }
        SeekableByteChannel channel;
        try {
            channel = Files.newByteChannel(file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC), attributes);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new CryptoException("Cannot create keystore " + file, e);
        }
        // from here on the file is ours: remove it if it cannot be completed
        boolean written = false;
        try {
            try (channel) {
                if (posix) {
                    // the umask can only narrow the mode at creation; set it explicitly all the same
                    Files.setPosixFilePermissions(file, OWNER_ONLY);
                }
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            written = true;
        } catch (IOException e) {
            throw new CryptoException("Cannot write keystore " + file, e);
        } finally {
            if (!written) {
                deleteQuietlyAfterFailure(file);
            }
        }
    }

    private static void deleteQuietlyAfterFailure(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not remove the partly written keystore {}: {}", file, e.toString());
        }
    }

    private static boolean supportsPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void destroy(KeyStore.PasswordProtection protection) {
        try {
            protection.destroy();
        } catch (DestroyFailedException e) {
            // nothing more can be done: the copy is left to the garbage collector
        }
    }
}
