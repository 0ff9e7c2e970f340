-- Manual rollbacks (POST /api/v1/rollbacks): decisions a person or CI asked for, without an anomaly.
ALTER TABLE rollback_decision ALTER COLUMN anomaly_id DROP NOT NULL;
ALTER TABLE rollback_decision ALTER COLUMN anomaly_event_id DROP NOT NULL;
ALTER TABLE rollback_decision ADD COLUMN requested_by VARCHAR(200);
-- a retried request (same Idempotency-Key) gets the decision the first one made
ALTER TABLE rollback_decision ADD COLUMN idempotency_key VARCHAR(200);
ALTER TABLE rollback_decision ADD COLUMN request_fingerprint VARCHAR(64);
ALTER TABLE rollback_decision ADD CONSTRAINT rollback_decision_idempotency_key UNIQUE (idempotency_key);

-- What deploy-service reported about executing the request (ACCEPTED, EXECUTED, FAILED, SKIPPED): a target whose
-- rollback failed or was skipped may be rolled back by hand.
ALTER TABLE rollback_decision ADD COLUMN execution VARCHAR(20);
ALTER TABLE rollback_decision ADD COLUMN execution_detail VARCHAR(2000);

-- Still one decision per deployment for the anomalies it raises; manual ones come on top (one at a time per
-- target, under the target lock), e.g. after an automatic rollback failed.
ALTER TABLE rollback_decision DROP CONSTRAINT rollback_decision_one_per_deployment;
CREATE UNIQUE INDEX rollback_decision_one_automatic_per_deployment ON rollback_decision (deployment_id)
    WHERE decision <> 'MANUAL';
CREATE INDEX rollback_decision_deployment ON rollback_decision (deployment_id);
CREATE INDEX rollback_decision_from_version ON rollback_decision (service, environment, from_version);
