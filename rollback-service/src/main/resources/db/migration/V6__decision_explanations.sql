-- Issue 9: every decision explained (the rule that decided, its one-line reason, the policy and the inputs, as JSON),
-- decided per trigger kind (an inconclusive verdict's decision does not block a later anomaly's), and approvals with
-- their deadline, escalation and settlement.
ALTER TABLE rollback_decision ALTER COLUMN decision TYPE VARCHAR(20);
ALTER TABLE rollback_decision ADD COLUMN rule VARCHAR(40);
-- the rule that first decided it: settling an approval changes rule, not this (the storm guard trips once per hour)
ALTER TABLE rollback_decision ADD COLUMN initial_rule VARCHAR(40);
ALTER TABLE rollback_decision ADD COLUMN explanation TEXT;
ALTER TABLE rollback_decision ADD COLUMN policy_version VARCHAR(400);
ALTER TABLE rollback_decision ADD COLUMN trigger_kind VARCHAR(20) NOT NULL DEFAULT 'anomaly';
UPDATE rollback_decision SET trigger_kind = 'manual' WHERE decision = 'MANUAL';
ALTER TABLE rollback_decision ADD COLUMN analysis_id VARCHAR(200);
-- the analysis.finished event an inconclusive verdict came in (anomaly_event_id for anomalies)
ALTER TABLE rollback_decision ADD COLUMN verdict_event_id VARCHAR(200);
ALTER TABLE rollback_decision ADD COLUMN depth INTEGER NOT NULL DEFAULT 1;
ALTER TABLE rollback_decision ADD COLUMN approval_deadline TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback_decision ADD COLUMN on_approval_timeout VARCHAR(20);
ALTER TABLE rollback_decision ADD COLUMN escalation_team VARCHAR(100);
ALTER TABLE rollback_decision ADD COLUMN escalated_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback_decision ADD COLUMN settled_by VARCHAR(200);
ALTER TABLE rollback_decision ADD COLUMN settled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback_decision ADD COLUMN settle_reason VARCHAR(2000);
-- the id of the last event published about the decision: the TRIGGER link of the next one
ALTER TABLE rollback_decision ADD COLUMN last_event_id VARCHAR(64);

DROP INDEX rollback_decision_one_automatic_per_deployment;
CREATE UNIQUE INDEX rollback_decision_one_per_deployment_and_trigger ON rollback_decision (deployment_id, trigger_kind)
    WHERE trigger_kind <> 'manual';
-- the approval timeout job's scan, and the storm guard's count per environment
CREATE INDEX rollback_decision_awaiting ON rollback_decision (approval_deadline) WHERE decision = 'AWAITING_APPROVAL';
CREATE INDEX rollback_decision_environment ON rollback_decision (environment, decided_at);
