package io.segmenthub.connector;

/** What a connector's rows are: people (with their purchases, events and opt-ins) or consent events. */
public enum ConnectorKind {
    PERSON, CONSENT
}
