-- Issue 8: when a rollout (or a release from the gate) gave a deployment all traffic. Its bake counts from here:
-- deployed_at stays the time CI reported (issue 7's event time), which for a rollout is when it started.
ALTER TABLE deployment ADD COLUMN promoted_at TIMESTAMP WITH TIME ZONE;
