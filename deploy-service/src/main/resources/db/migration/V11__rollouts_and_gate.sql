-- Issue 8: progressive delivery, the redeploy gate and fixes.
-- Every deployment keeps its strategy (normalised JSON) and the incidents it says it fixes (JSON array of ids).
ALTER TABLE deployment ADD COLUMN strategy TEXT;
ALTER TABLE deployment ADD COLUMN strategy_note VARCHAR(500);
ALTER TABLE deployment ADD COLUMN fixes TEXT;

-- A target's defaults: its strategy, the strategy of a redeploy after a rollback, and its gate (JSON each; null =
-- the configured default).
ALTER TABLE target ADD COLUMN strategy TEXT;
ALTER TABLE target ADD COLUMN redeploy_strategy TEXT;
ALTER TABLE target ADD COLUMN gate TEXT;

-- A gated or progressive deployment's rollout; deploy-service is its only writer. An executor call (set-weight,
-- promote) is claimed like a rollback: due at next_attempt_at, held until claimed_until.
CREATE TABLE rollout (
    deployment_id        VARCHAR(64)   PRIMARY KEY,
    service              VARCHAR(100)  NOT NULL,
    environment          VARCHAR(100)  NOT NULL,
    strategy             TEXT          NOT NULL,
    phase                VARCHAR(20)   NOT NULL,
    step_index           INTEGER       NOT NULL,
    step_count           INTEGER       NOT NULL,
    weight               INTEGER       NOT NULL,
    pending_action       VARCHAR(20),
    attempts             INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at      TIMESTAMP WITH TIME ZONE,
    claimed_until        TIMESTAMP WITH TIME ZONE,
    step_deadline        TIMESTAMP WITH TIME ZONE,
    paused_reason        VARCHAR(2000),
    paused_by            VARCHAR(20),
    promoted_by          VARCHAR(20),
    requested_by         VARCHAR(200),
    stable_deployment_id VARCHAR(64),
    steps                TEXT          NOT NULL,
    abort_rollback_id    VARCHAR(200),
    last_event_id        VARCHAR(200),
    gate_status          VARCHAR(20),
    gate_reason          VARCHAR(2000),
    gate_rollback_id     VARCHAR(200),
    required_suites      TEXT,
    released_by          VARCHAR(20),
    released_at          TIMESTAMP WITH TIME ZONE,
    override_reason      VARCHAR(2000),
    overridden_by        VARCHAR(200),
    evidence             TEXT,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX rollout_due ON rollout (next_attempt_at) WHERE phase = 'STEPPING';
CREATE INDEX rollout_waiting ON rollout (step_deadline) WHERE phase = 'ANALYSING';
CREATE INDEX rollout_target ON rollout (service, environment);

-- An abort is a rollback executed with the executor's abort step, not its rollback.
ALTER TABLE rollback ADD COLUMN rollout_abort BOOLEAN NOT NULL DEFAULT false;

-- Every testsuiterun.finished CI reported (and the tests named on a REST deployment): the gate's evidence, kept
-- also when it arrives before the deployment it is for.
CREATE TABLE test_evidence (
    id           VARCHAR(300)  PRIMARY KEY,
    chain_id     VARCHAR(200),
    artifact_id  VARCHAR(1000),
    service      VARCHAR(100),
    version      VARCHAR(200),
    suite        VARCHAR(200)  NOT NULL,
    outcome      VARCHAR(20)   NOT NULL,
    passed       INTEGER,
    failed       INTEGER,
    source       VARCHAR(40)   NOT NULL,
    event_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX test_evidence_chain ON test_evidence (chain_id);
CREATE INDEX test_evidence_artifact ON test_evidence (artifact_id);
CREATE INDEX test_evidence_version ON test_evidence (service, version);
