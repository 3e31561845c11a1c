-- Probabilistic matching state, ids and numbers only (no personal data):
-- match_link: every probabilistic link that joined two source records, with its evidence
--   (per comparison the level and the weight it added; the total match weight and probability);
-- match_key: per record, keyed HMAC blind indexes of its blocking keys ('block') and of the values
--   whose frequency adjusts weights ('tf:<field>'), so an incremental run finds a changed record's
--   candidates and the values' frequencies without opening every record;
-- match_model: the Fellegi-Sunter parameters (m, u, prior) learned by the last full resolution.

CREATE TABLE match_link (
    left_record_id    BIGINT       NOT NULL,
    right_record_id   BIGINT       NOT NULL,
    run_id            VARCHAR(40)  NOT NULL,
    match_weight      DOUBLE PRECISION NOT NULL,
    match_probability DOUBLE PRECISION NOT NULL,
    evidence          VARCHAR(4000) NOT NULL,
    PRIMARY KEY (left_record_id, right_record_id)
);
CREATE INDEX match_link_right ON match_link (right_record_id);

CREATE TABLE match_key (
    source_record_id BIGINT      NOT NULL,
    kind             VARCHAR(40) NOT NULL,
    hashed           VARCHAR(64) NOT NULL,
    PRIMARY KEY (source_record_id, kind, hashed)
);
CREATE INDEX match_key_hashed ON match_key (kind, hashed);

CREATE TABLE match_model (
    id         VARCHAR(16)  PRIMARY KEY,
    run_id     VARCHAR(40)  NOT NULL,
    trained_at TIMESTAMP WITH TIME ZONE NOT NULL,
    settings   VARCHAR(4000) NOT NULL,
    parameters VARCHAR(100000) NOT NULL
);
