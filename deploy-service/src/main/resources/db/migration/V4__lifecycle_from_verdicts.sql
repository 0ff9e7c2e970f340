-- What runs now is a flag of its own: the status now tells how a deployment fared (ANALYSING, STABLE, FAILED,
-- INCONCLUSIVE, SUPERSEDED, ROLLED_BACK, RETIRED), whether or not it is the current one.
ALTER TABLE deployment ADD COLUMN is_current BOOLEAN NOT NULL DEFAULT false;
UPDATE deployment SET is_current = true, status = 'ANALYSING' WHERE status = 'RUNNING';
DROP INDEX deployment_one_running;
CREATE UNIQUE INDEX deployment_one_current ON deployment (service, environment) WHERE is_current;
-- An anomaly or a failed analysis flagged it: it is never a rollback target, not even as an unverified fallback.
ALTER TABLE deployment ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT false;
UPDATE deployment SET flagged = true WHERE status IN ('FAILED', 'ROLLED_BACK');
-- The last analysis verdict (PASSED, FAILED, INCONCLUSIVE) and why, whatever the status became.
ALTER TABLE deployment ADD COLUMN verdict VARCHAR(20);
ALTER TABLE deployment ADD COLUMN verdict_reason VARCHAR(2000);
-- The container image CI named (or one derived from an OCI package URL): what a Kubernetes rollback sets.
ALTER TABLE deployment ADD COLUMN image VARCHAR(1000);
-- Reported after a newer deployment of its target: kept in the history, never current, never a fallback target.
ALTER TABLE deployment ADD COLUMN late BOOLEAN NOT NULL DEFAULT false;
-- deployed_at is the event time CI reported; reported_at is when it reached Lifeguard.
ALTER TABLE deployment ADD COLUMN reported_at TIMESTAMP WITH TIME ZONE;
UPDATE deployment SET reported_at = deployed_at;
ALTER TABLE deployment ALTER COLUMN reported_at SET NOT NULL;
CREATE INDEX deployment_baking ON deployment (deployed_at) WHERE is_current AND status = 'ANALYSING';

-- A rollback is executed outside the transaction that accepted it: EXECUTING until the executor answers, then
-- EXECUTED, ACCEPTED (completion reported later), FAILED or SKIPPED.
ALTER TABLE rollback ALTER COLUMN to_version DROP NOT NULL;
ALTER TABLE rollback ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollback ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback ADD COLUMN finished_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback ADD COLUMN restored_deployment_id VARCHAR(64);
ALTER TABLE rollback ADD COLUMN chain_id VARCHAR(200);
ALTER TABLE rollback ADD COLUMN request_event_id VARCHAR(200);
ALTER TABLE rollback ADD COLUMN reported_by VARCHAR(20);
UPDATE rollback SET finished_at = requested_at;
CREATE INDEX rollback_due ON rollback (next_attempt_at) WHERE outcome = 'EXECUTING';
CREATE INDEX rollback_open ON rollback (service, environment) WHERE outcome IN ('EXECUTING', 'ACCEPTED');

-- Which executor rolls a target back, with its settings (JSON; secrets among them are never shown back).
CREATE TABLE target (
    service      VARCHAR(100)  NOT NULL,
    environment  VARCHAR(100)  NOT NULL,
    executor     VARCHAR(100)  NOT NULL,
    settings     TEXT          NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, environment)
);
