CREATE TABLE deployment (
    id                 VARCHAR(64)   PRIMARY KEY,
    service            VARCHAR(100)  NOT NULL,
    environment        VARCHAR(100)  NOT NULL,
    version            VARCHAR(200)  NOT NULL,
    artifact_id        VARCHAR(1000) NOT NULL,
    team               VARCHAR(100),
    commit_sha         VARCHAR(100),
    change_url         VARCHAR(2000),
    chain_id           VARCHAR(200)  NOT NULL,
    ci_event_id        VARCHAR(200),
    event_id           VARCHAR(200)  NOT NULL,
    status             VARCHAR(20)   NOT NULL,
    deployed_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    status_reason      VARCHAR(2000)
);
CREATE INDEX deployment_target ON deployment (service, environment, deployed_at DESC);
-- at most one running version per service and environment
CREATE UNIQUE INDEX deployment_one_running ON deployment (service, environment) WHERE status = 'RUNNING';

CREATE TABLE rollback (
    id              VARCHAR(200)  PRIMARY KEY,
    deployment_id   VARCHAR(64)   NOT NULL REFERENCES deployment (id),
    service         VARCHAR(100)  NOT NULL,
    environment     VARCHAR(100)  NOT NULL,
    from_version    VARCHAR(200)  NOT NULL,
    to_version      VARCHAR(200)  NOT NULL,
    reason          VARCHAR(2000) NOT NULL,
    outcome         VARCHAR(20)   NOT NULL,
    outcome_detail  VARCHAR(2000),
    executor        VARCHAR(100),
    requested_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
