package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.system.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Start-up checks of salesforce connectors and destinations beyond the field constraints: every
 * secret the chosen sign-in flow needs is there (it comes from the environment or a secrets file
 * through {@code ${NAME}}), the JWT keystore exists, a destination names a salesforce connector
 * and a system whose record ids are Salesforce ids.
 */
public final class SalesforceConfigCheck {

    private SalesforceConfigCheck() {
    }

    public static void connector(Path file, String at, ConnectorConfig c) {
        if (c.type() != ConnectorType.SALESFORCE) {
            if (c.salesforce() != null) {
                throw new ConfigException(file, at + ".salesforce", "salesforce settings on a connector of type " + c.type().name().toLowerCase());
            }
            return;
        }
        if (c.salesforce() == null) {
            throw new ConfigException(file, at + ".salesforce", "a salesforce connector needs salesforce settings (auth, object)");
        }
        SalesforceSettings.Auth auth = c.salesforce().auth();
        String key = at + ".salesforce.auth";
        switch (auth.flow()) {
            case CLIENT_CREDENTIALS -> required(file, key, "client-secret", auth.clientSecret(), auth);
            case REFRESH_TOKEN -> {
                required(file, key, "client-secret", auth.clientSecret(), auth);
                required(file, key, "refresh-token", auth.refreshToken(), auth);
            }
            case USERNAME_PASSWORD -> {
                required(file, key, "client-secret", auth.clientSecret(), auth);
                required(file, key, "username", auth.username(), auth);
                required(file, key, "password", auth.password(), auth);
            }
            case JWT -> {
                required(file, key, "username", auth.username(), auth);
                required(file, key, "keystore", auth.keystore(), auth);
                if (!PemKeyStoreParameters.isPem(auth.keystore())) {
                    required(file, key, "keystore-password", auth.keystorePassword(), auth);
                }
                Path keystore = Path.of(auth.keystore());
                if (!Files.isRegularFile(keystore) || !Files.isReadable(keystore)) {
                    throw new ConfigException(file, key + ".keystore", "no readable keystore file at " + keystore
                            + " (a PKCS#12 or JKS keystore, or a .pem/.key file, holding the connected app certificate's private key)");
                }
            }
        }
    }

    private static void required(Path file, String key, String name, String value, SalesforceSettings.Auth auth) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(file, key + "." + name, "is required for flow " + auth.flow().name().toLowerCase()
                    + "; reference a secret by name, e.g. ${SALESFORCE_" + name.toUpperCase().replace('-', '_') + "}");
        }
    }

    public static void destination(Path file, String at, DestinationConfig d, List<ConnectorConfig> connectors, Set<String> segmentsAndTags) {
        if (d.type() != DestinationConfig.DestinationType.SALESFORCE) {
            return;
        }
        SalesforceTarget t = d.salesforce();
        if (t == null) {
            throw new ConfigException(file, at + ".salesforce", "a salesforce destination needs salesforce settings (connector, field and/or campaigns)");
        }
        ConnectorConfig source = connectors.stream().filter(c -> c.id().equals(t.connector())).findFirst()
                .orElseThrow(() -> new ConfigException(file, at + ".salesforce.connector", "unknown connector '" + t.connector() + "'"));
        if (source.type() != ConnectorType.SALESFORCE) {
            throw new ConfigException(file, at + ".salesforce.connector", "'" + t.connector() + "' is not a salesforce connector");
        }
        if (t.field() == null && t.campaigns().isEmpty()) {
            throw new ConfigException(file, at + ".salesforce", "needs a field (e.g. Segments__c), campaigns (segment: Campaign id), or both");
        }
        if (d.system() == null || !d.system().equals(source.systemName())) {
            throw new ConfigException(file, at + ".system", "must be '" + source.systemName()
                    + "', the system of connector '" + source.id() + "', so members are sent with their Salesforce record ids");
        }
        t.campaigns().keySet().forEach(segment -> {
            if (!segmentsAndTags.contains(segment)) {
                throw new ConfigException(file, at + ".salesforce.campaigns." + segment, "is not a segment or tag this destination takes");
            }
        });
    }
}
