-- Shared plumbing tables; each service's own schema starts at V1 in db/migration.
CREATE TABLE outbox_event (
    id            BIGSERIAL PRIMARY KEY,
    event_id      VARCHAR(200)  NOT NULL,
    topic         VARCHAR(249)  NOT NULL,
    record_key    VARCHAR(500),
    event_type    VARCHAR(200)  NOT NULL,
    payload       TEXT          NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at       TIMESTAMP WITH TIME ZONE,
    UNIQUE (event_id, topic)
);
CREATE INDEX outbox_event_unsent ON outbox_event (id) WHERE sent_at IS NULL;

CREATE TABLE processed_event (
    consumer      VARCHAR(100)  NOT NULL,
    event_id      VARCHAR(200)  NOT NULL,
    processed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
