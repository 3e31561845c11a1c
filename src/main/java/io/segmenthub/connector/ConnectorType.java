package io.segmenthub.connector;

/** Connector types; each has a route template {@code connector-<type>} in {@code routes/}. */
public enum ConnectorType {
    FILE, JDBC, SALESFORCE, HTTP;

    public String templateId() {
        return "connector-" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
