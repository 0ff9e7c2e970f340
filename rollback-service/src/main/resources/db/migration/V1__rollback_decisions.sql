-- What runs where, as told by deploy-service's events: the input of every rollback decision.
CREATE TABLE tracked_deployment (
    deployment_id      VARCHAR(200)  PRIMARY KEY,
    service            VARCHAR(100)  NOT NULL,
    environment        VARCHAR(100)  NOT NULL,
    version            VARCHAR(200)  NOT NULL,
    stable_version     VARCHAR(200),
    chain_id           VARCHAR(200),
    event_id           VARCHAR(200)  NOT NULL,
    status             VARCHAR(20)   NOT NULL,
    deployed_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX tracked_deployment_target ON tracked_deployment (service, environment, deployed_at DESC);
-- at most one running version per service and environment
CREATE UNIQUE INDEX tracked_deployment_one_running ON tracked_deployment (service, environment) WHERE status = 'RUNNING';

-- Anomalies that arrived before their deployment's event (two topics, no order between them).
CREATE TABLE pending_anomaly (
    deployment_id     VARCHAR(200)  PRIMARY KEY,
    service           VARCHAR(100)  NOT NULL,
    environment       VARCHAR(100)  NOT NULL,
    anomaly_event_id  VARCHAR(200)  NOT NULL,
    anomaly           TEXT          NOT NULL,
    received_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX pending_anomaly_received ON pending_anomaly (received_at);

CREATE TABLE rollback_decision (
    id                VARCHAR(64)   PRIMARY KEY,
    service           VARCHAR(100)  NOT NULL,
    environment       VARCHAR(100)  NOT NULL,
    deployment_id     VARCHAR(200)  NOT NULL,
    from_version      VARCHAR(200)  NOT NULL,
    to_version        VARCHAR(200),
    decision          VARCHAR(20)   NOT NULL,
    reason            VARCHAR(2000) NOT NULL,
    anomaly_id        VARCHAR(200)  NOT NULL,
    anomaly_event_id  VARCHAR(200)  NOT NULL,
    chain_id          VARCHAR(200)  NOT NULL,
    decided_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- one decision per deployment, whatever number of anomalies it raises
    CONSTRAINT rollback_decision_one_per_deployment UNIQUE (deployment_id)
);
CREATE INDEX rollback_decision_target ON rollback_decision (service, environment, decided_at DESC);
