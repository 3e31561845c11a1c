-- The CLV models the profiles were valued with. A run fits BG/NBD and Gamma-Gamma afresh when there
-- is no fit yet, the as-of day or the scoring currency moved, or more than
-- hub.scoring.clv.refit-when-changed-share of the buyers' purchase histories changed since the last
-- fit (changed_since adds up what the runs that kept it changed); otherwise it values everyone with
-- the kept fit, so a customer whose history did not change keeps the same value.
CREATE TABLE clv_fit (
    run_id         VARCHAR(40)      PRIMARY KEY,
    as_of          DATE             NOT NULL,
    currency       VARCHAR(3)       NOT NULL,
    buyers         INTEGER          NOT NULL,
    repeat_buyers  INTEGER          NOT NULL,
    changed_since  INTEGER          NOT NULL,
    bg_r           DOUBLE PRECISION NOT NULL,
    bg_alpha       DOUBLE PRECISION NOT NULL,
    bg_a           DOUBLE PRECISION NOT NULL,
    bg_b           DOUBLE PRECISION NOT NULL,
    gg_p           DOUBLE PRECISION NOT NULL,
    gg_q           DOUBLE PRECISION NOT NULL,
    gg_gamma       DOUBLE PRECISION NOT NULL,
    fitted_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
