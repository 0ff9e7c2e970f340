-- how urgently a notification wants attention (normal, high, critical); channels may send it as a header
ALTER TABLE delivery ADD COLUMN urgency VARCHAR(20) NOT NULL DEFAULT 'normal';

-- The outcome deploy-service reported for each rollback (accepted, failed, skipped, rolled back), so that a rollback
-- request arriving after its outcome (they come on different topics) is not announced as if it were still running.
-- Keyed by target too: a rollback id is only trusted to be unique where its events say it applies.
CREATE TABLE rollback_outcome (
    service       VARCHAR(100)  NOT NULL,
    environment   VARCHAR(100)  NOT NULL,
    rollback_id   VARCHAR(200)  NOT NULL,
    outcome       VARCHAR(20)   NOT NULL,
    event_id      VARCHAR(200)  NOT NULL,
    from_version  TEXT,
    to_version    TEXT,
    recorded_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, environment, rollback_id)
);
