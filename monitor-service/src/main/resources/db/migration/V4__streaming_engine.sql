-- The analysis engine moved to Kafka Streams: samples and running analyses live in its state stores (restored from
-- changelog topics), no longer one row per sample here. This database keeps the specs (source of truth, published
-- through the outbox) and the read model the REST API serves, built from the engine's own output.
DROP TABLE early_rollback;
DROP TABLE metric_sample;
DROP TABLE watched_deployment CASCADE;

ALTER TABLE anomaly ADD COLUMN detector VARCHAR(50);
ALTER TABLE anomaly ADD COLUMN statistic DOUBLE PRECISION;

CREATE TABLE analysis_spec (
    service      VARCHAR(100)  NOT NULL,
    environment  VARCHAR(100)  NOT NULL,
    body         TEXT          NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, environment)
);

CREATE TABLE analysis (
    deployment_id   VARCHAR(200)  PRIMARY KEY,
    service         VARCHAR(100)  NOT NULL,
    environment     VARCHAR(100)  NOT NULL,
    version         VARCHAR(200)  NOT NULL,
    stable_version  VARCHAR(200),
    status          VARCHAR(20)   NOT NULL,
    samples         BIGINT        NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    ended_by        VARCHAR(30),
    reason          VARCHAR(4000),
    metrics         TEXT          NOT NULL,
    revision        BIGINT        NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX analysis_target ON analysis (service, environment, started_at DESC);
CREATE INDEX analysis_status ON analysis (status, started_at DESC);
