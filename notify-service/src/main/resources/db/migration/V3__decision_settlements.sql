-- How a person (or the approval timeout) last settled a rollback decision that waited for one, so that an approval
-- request or a hold read after it (a replay, a reset topic) is not told as if it still waited. Keyed by target too,
-- as rollback_outcome is.
CREATE TABLE decision_settlement (
    service        VARCHAR(100)  NOT NULL,
    environment    VARCHAR(100)  NOT NULL,
    rollback_id    VARCHAR(200)  NOT NULL,
    decision       VARCHAR(20)   NOT NULL,
    settled_by     TEXT,
    settle_reason  TEXT,
    event_id       VARCHAR(200)  NOT NULL,
    settled_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, environment, rollback_id)
);
