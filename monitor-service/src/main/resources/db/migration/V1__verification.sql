-- One row per deployment monitor-service has heard of; the newest per target is the one under verification.
CREATE TABLE watched_deployment (
    id            VARCHAR(200)  PRIMARY KEY,
    service       VARCHAR(100)  NOT NULL,
    environment   VARCHAR(100)  NOT NULL,
    version       VARCHAR(200)  NOT NULL,
    artifact_id   VARCHAR(1000) NOT NULL,
    chain_id      VARCHAR(200)  NOT NULL,
    event_id      VARCHAR(200)  NOT NULL,
    status        VARCHAR(20)   NOT NULL,
    window_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    window_end    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX watched_deployment_target ON watched_deployment (service, environment, window_start DESC);

-- A sample is identified by what it measures and when: a re-sent sample is stored once.
CREATE TABLE metric_sample (
    id           BIGSERIAL     PRIMARY KEY,
    service      VARCHAR(100)  NOT NULL,
    environment  VARCHAR(100)  NOT NULL,
    version      VARCHAR(200)  NOT NULL,
    metric       VARCHAR(200)  NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    sampled_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT metric_sample_identity UNIQUE (service, environment, version, metric, sampled_at)
);

-- At most one anomaly per deployment.
CREATE TABLE anomaly (
    id                   VARCHAR(64)   PRIMARY KEY,
    deployment_id        VARCHAR(200)  NOT NULL UNIQUE REFERENCES watched_deployment (id),
    service              VARCHAR(100)  NOT NULL,
    environment          VARCHAR(100)  NOT NULL,
    version              VARCHAR(200)  NOT NULL,
    chain_id             VARCHAR(200)  NOT NULL,
    event_id             VARCHAR(64)   NOT NULL,
    description          VARCHAR(2000) NOT NULL,
    rule                 VARCHAR(500)  NOT NULL,
    metric               VARCHAR(200)  NOT NULL,
    threshold            DOUBLE PRECISION NOT NULL,
    consecutive_samples  INTEGER,
    observed_values      TEXT          NOT NULL,
    first_sample_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_sample_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    detected_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX anomaly_target ON anomaly (service, environment, detected_at DESC);
