-- Every event of every chain, as it arrived: the raw material of timelines.
CREATE TABLE timeline_entry (
    id           BIGSERIAL     PRIMARY KEY, -- arrival order: breaks ties between equal event times
    event_id     VARCHAR(200)  NOT NULL UNIQUE,
    chain_id     VARCHAR(200)  NOT NULL,
    event_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    entry_type   VARCHAR(40)   NOT NULL,
    event_type   VARCHAR(200)  NOT NULL,
    summary      TEXT          NOT NULL,
    service      VARCHAR(100)  NOT NULL,
    environment  VARCHAR(100)  NOT NULL,
    payload      TEXT          NOT NULL,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX timeline_entry_chain ON timeline_entry (chain_id, event_time, id);

-- One incident per chain, opened by its anomaly; free-form texts come from other services' events, hence TEXT.
CREATE TABLE incident (
    id                    VARCHAR(64)   PRIMARY KEY,
    chain_id              VARCHAR(200)  NOT NULL UNIQUE,
    service               VARCHAR(100)  NOT NULL,
    environment           VARCHAR(100)  NOT NULL,
    status                VARCHAR(20)   NOT NULL,
    trigger_version       TEXT,
    opened_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the deployment that started the chain (it may arrive after the anomaly)
    deployment_event_id   VARCHAR(200),
    deployment_id         TEXT,
    deployed_at           TIMESTAMP WITH TIME ZONE,
    previous_version      TEXT,
    commit_sha            TEXT,
    change_url            TEXT,
    team                  TEXT,
    ci_event_id           TEXT,
    -- detection evidence of the anomaly
    anomaly_event_id      VARCHAR(200)  NOT NULL,
    anomaly_id            TEXT,
    detection_rule        TEXT,
    detection_metric      TEXT,
    detection_threshold   DOUBLE PRECISION,
    observed_values       TEXT,
    first_bad_sample_at   TIMESTAMP WITH TIME ZONE,
    last_bad_sample_at    TIMESTAMP WITH TIME ZONE,
    -- the rollback that resolved it
    rollback_event_id     VARCHAR(200),
    rollback_id           TEXT,
    restored_version      TEXT,
    restored_artifact_id  TEXT,
    resolution_reason     TEXT,
    rollback_executor     TEXT,
    resolved_at           TIMESTAMP WITH TIME ZONE
);
CREATE INDEX incident_target ON incident (service, environment, opened_at DESC);
