-- Issue 8: a rollout step (canary pause, blue-green preview) has an analysis of its own, id <deploymentId>#<stepIndex>,
-- beside the deployment's full-traffic analysis; the read model says which step it judged.
ALTER TABLE analysis ADD COLUMN rollout_step INTEGER;
-- and the anomaly of a failed step names that analysis and step
ALTER TABLE anomaly ADD COLUMN analysis_id VARCHAR(400);
ALTER TABLE anomaly ADD COLUMN rollout_step INTEGER;
