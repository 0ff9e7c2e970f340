-- Issue 8: a deployment rolled out in steps (canary, blue-green) is tracked from its first step, beside the stable
-- deployment that keeps running: status ROLLING_OUT (the one-running index does not cover it), its strategy, the step
-- it is at and the share of traffic it takes, so an anomaly of one of its steps rolls it back at once, in words.
ALTER TABLE tracked_deployment ADD COLUMN rollout_strategy VARCHAR(20);
ALTER TABLE tracked_deployment ADD COLUMN rollout_step INTEGER;
ALTER TABLE tracked_deployment ADD COLUMN rollout_weight INTEGER;
