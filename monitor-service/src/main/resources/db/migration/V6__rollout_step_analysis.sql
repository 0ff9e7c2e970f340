-- Issue 8: a rollout step (canary pause, blue-green preview) has an analysis of its own, id <deploymentId>#<stepIndex>,
-- beside the deployment's full-traffic analysis; the read model says which step it judged.
ALTER TABLE analysis ADD COLUMN rollout_step INTEGER;
