-- What the stored scores were last computed from: the as-of day, the scoring settings (a SHA-256
-- of them), the CLV fit every stored value was made with (none when the run valued nobody), the
-- highest purchase and engagement-event ids they saw, and how many purchases had no fx rate.
-- A run whose resolution was scoped scores again only the profiles its resolution could change and
-- those with purchases or events above these ids, taking the others' histories from profile_score,
-- when the day, settings and fit are the same; otherwise it reads every purchase. One row, replaced
-- by each run's score stage in the profile stages' transaction.
CREATE TABLE score_basis (
    run_id         VARCHAR(40) PRIMARY KEY,
    as_of          DATE        NOT NULL,
    settings       VARCHAR(64) NOT NULL,
    fit_run_id     VARCHAR(40),
    purchases_upto BIGINT      NOT NULL,
    events_upto    BIGINT      NOT NULL,
    unconverted    BIGINT      NOT NULL
);
