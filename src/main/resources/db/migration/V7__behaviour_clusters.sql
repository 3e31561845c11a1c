-- Behaviour clusters (k-means++ over standardised recency, frequency, spend, engagement, tenure of
-- the profiles that have purchased). Each run keeps its clusters, so the next run can hand the ids
-- on to the nearest new centroids, and the cluster history can be read back.
ALTER TABLE profile_score ADD COLUMN first_purchase DATE;
-- NULL: not clustered (never purchased, or clustering off or not possible this run)
ALTER TABLE profile_score ADD COLUMN cluster_id VARCHAR(16);

CREATE TABLE behaviour_cluster (
    run_id         VARCHAR(40)  NOT NULL,
    cluster_id     VARCHAR(16)  NOT NULL,
    members        INTEGER      NOT NULL,
    -- member averages in original units
    recency_days   DOUBLE PRECISION NOT NULL,
    orders         DOUBLE PRECISION NOT NULL,
    revenue        DOUBLE PRECISION NOT NULL,
    events         DOUBLE PRECISION NOT NULL,
    tenure_days    DOUBLE PRECISION NOT NULL,
    description    VARCHAR(300) NOT NULL,
    -- the centroid on the clustering scale (log(1 + x) for counts and amounts), as JSON {feature: value}
    centroid       VARCHAR(1000) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (run_id, cluster_id)
);
CREATE INDEX behaviour_cluster_created ON behaviour_cluster (created_at);
