-- The audit trail as read from lifeguard.audit (every service's mutating calls and automatic actions), for
-- GET /api/v1/audit. One row per audit event, keyed by the event id; kept for lifeguard.postmortem.audit.retention.
CREATE TABLE audit_entry (
    event_id        VARCHAR(200)  PRIMARY KEY,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    service         VARCHAR(100)  NOT NULL,
    actor           VARCHAR(300)  NOT NULL,
    actor_kind      VARCHAR(20)   NOT NULL,
    -- comma-separated, sorted
    roles           VARCHAR(200)  NOT NULL,
    teams           TEXT          NOT NULL,
    action          VARCHAR(500)  NOT NULL,
    target          TEXT          NOT NULL,
    outcome         VARCHAR(100)  NOT NULL,
    status          INTEGER,
    detail          TEXT,
    source_address  VARCHAR(100),
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
-- newest first, and the cursor (at, event_id) of the next page
CREATE INDEX audit_entry_newest ON audit_entry (at DESC, event_id DESC);
CREATE INDEX audit_entry_actor ON audit_entry (actor, at DESC);
CREATE INDEX audit_entry_service ON audit_entry (service, at DESC);
