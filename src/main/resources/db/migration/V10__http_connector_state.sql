-- State of the declarative HTTP connector (connector/http).
-- A refresh token that the API rotated: the old one is spent, so the new one must outlive the
-- process. It is a credential: sealed like personal data (AES-256-GCM under its own data key).
-- token_key derives from the configured first refresh token, so a source and a destination of the
-- same system share the one live token instead of spending each other's.
CREATE TABLE http_auth_token (
    token_key    VARCHAR(64) PRIMARY KEY,
    data_key_id  BIGINT      NOT NULL,
    sealed       BYTEA       NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- For APIs without a change cursor: a hash of each record as last stored, so a full pull passes on
-- only what changed. Written when the run that read the records succeeded.
CREATE TABLE http_record_hash (
    connector_id VARCHAR(64)  NOT NULL,
    record_id    VARCHAR(200) NOT NULL,
    content_hash VARCHAR(64)  NOT NULL,
    run_id       VARCHAR(40)  NOT NULL,
    PRIMARY KEY (connector_id, record_id)
);

-- Inbound change deliveries (简道云 webhooks), de-duplicated by the sender's delivery id and fed
-- into the next run of the connector. The payload holds personal data and is sealed; consumed_run_id
-- is set when a successful run has stored the change.
CREATE TABLE webhook_delivery (
    connector_id    VARCHAR(64)  NOT NULL,
    delivery_id     VARCHAR(200) NOT NULL,
    operation       VARCHAR(64)  NOT NULL,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    data_key_id     BIGINT       NOT NULL,
    payload         BYTEA        NOT NULL,
    consumed_run_id VARCHAR(40),
    PRIMARY KEY (connector_id, delivery_id)
);
CREATE INDEX webhook_delivery_pending ON webhook_delivery (connector_id, consumed_run_id);
