package io.segmenthub.connector.salesforce;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The connected app's private key for the JWT bearer flow, read from a PEM file (PKCS#8
 * {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}, unencrypted, optionally followed by the
 * certificate) and handed to camel-salesforce as the in-memory keystore it expects. A key store
 * entry needs a certificate; when the file holds none, a self-signed placeholder is made (the JWT
 * flow signs with the key only; Salesforce checks against the certificate uploaded to the app).
 * The key is read again at every sign-in and never written anywhere.
 */
final class PemKeyStoreParameters extends KeyStoreParameters {

    static final String ALIAS = "salesforce-jwt";
    private final Path pem;

    PemKeyStoreParameters(Path pem, String password) {
        this.pem = pem;
        setPassword(password == null || password.isEmpty() ? "pem" : password);
        setResource("file:" + pem);
    }

    static boolean isPem(String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT);
        return p.endsWith(".pem") || p.endsWith(".key");
    }

    @Override
    public KeyStore createKeyStore() throws GeneralSecurityException, IOException {
        PrivateKey key = null;
        X509Certificate certificate = null;
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    key = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (item instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else if (item instanceof X509CertificateHolder holder && certificate == null) {
                    certificate = new JcaX509CertificateConverter().getCertificate(holder);
                }
            }
        }
        if (key == null) {
            throw new GeneralSecurityException("no unencrypted private key in " + pem);
        }
        if (certificate == null) {
            certificate = placeholderCertificate(key);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, getPassword().toCharArray(), new X509Certificate[]{certificate});
        return store;
    }

    private static X509Certificate placeholderCertificate(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new GeneralSecurityException("the JWT key must be an RSA key (Salesforce signs JWT bearer assertions with RS256)");
        }
        var publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        X500Name name = new X500Name("CN=segment-hub salesforce jwt");
        Instant now = Instant.now();
        try {
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now), Date.from(now.plus(Duration.ofDays(1))), name, publicKey)
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(new KeyPair(publicKey, key).getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
