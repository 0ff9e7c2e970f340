-- Every deployment postmortem-service has heard of (rollout events, service.deployed/upgraded, verdicts), with how far
-- it got, so that a deployment can be linked to the incidents it fixes whatever the order the events arrive in.
-- Times are event times; each is the earliest event that showed it.
CREATE TABLE fix_deployment (
    deployment_id         VARCHAR(200)  PRIMARY KEY,
    service               VARCHAR(100)  NOT NULL,
    environment           VARCHAR(100)  NOT NULL,
    version               TEXT          NOT NULL,
    -- first gated / step-started / deployed event: when it arrived at the target (null: only its verdict is known)
    first_seen_at         TIMESTAMP WITH TIME ZONE,
    -- first traffic: a set-weight step, the promotion, service.deployed/upgraded
    deployed_at           TIMESTAMP WITH TIME ZONE,
    deployed_event_id     VARCHAR(200),
    deployed_event_type   VARCHAR(200),
    -- promoted, or its full-traffic analysis passed
    verified_at           TIMESTAMP WITH TIME ZONE,
    verified_event_id     VARCHAR(200),
    verified_event_type   VARCHAR(200),
    verified_by           VARCHAR(20),
    -- rollout aborted, or its full-traffic analysis failed
    failed_at             TIMESTAMP WITH TIME ZONE,
    failed_event_id       VARCHAR(200),
    failed_event_type     VARCHAR(200),
    failed_by             VARCHAR(20),
    failure_reason        TEXT
);
CREATE INDEX fix_deployment_target ON fix_deployment (service, environment, first_seen_at);

-- What a deployment says it fixes: an incident id, an anomaly id or a chain id (as the deployment named it).
CREATE TABLE fix_deployment_claim (
    deployment_id  VARCHAR(200)  NOT NULL REFERENCES fix_deployment (deployment_id) ON DELETE CASCADE,
    claimed_id     VARCHAR(200)  NOT NULL,
    PRIMARY KEY (deployment_id, claimed_id)
);
CREATE INDEX fix_deployment_claim_claimed ON fix_deployment_claim (claimed_id);

-- A deployment linked to an incident as its fix: named by the deployment (explicit), or the first deployment of the
-- target after the incident opened (candidate). Its state is the deployment's (fix_deployment).
CREATE TABLE incident_fix (
    incident_id    VARCHAR(64)   NOT NULL REFERENCES incident (id),
    deployment_id  VARCHAR(200)  NOT NULL REFERENCES fix_deployment (deployment_id),
    linked_by      VARCHAR(20)   NOT NULL,
    linked_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (incident_id, deployment_id)
);
CREATE INDEX incident_fix_deployment ON incident_fix (deployment_id);

-- The deployment of a chain whose service.deployed/upgraded never came (a canary aborted before promotion) is taken
-- from its rollout's first traffic; a service.deployed/upgraded of the chain still replaces it.
ALTER TABLE incident ADD COLUMN deployment_from_rollout BOOLEAN NOT NULL DEFAULT FALSE;
