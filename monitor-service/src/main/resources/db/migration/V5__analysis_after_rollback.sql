-- A deployment is analysed again after a rollback restores it: the read model keeps each analysis of a deployment
-- (its first, and one per rollback that restored it), so rows are keyed by the analysis id the engine gives them
-- (the deployment id, or deployment id @ rollback id), and a deployment may have more than one anomaly.
ALTER TABLE analysis ADD COLUMN analysis_id VARCHAR(400);
UPDATE analysis SET analysis_id = deployment_id;
ALTER TABLE analysis ALTER COLUMN analysis_id SET NOT NULL;
ALTER TABLE analysis DROP CONSTRAINT analysis_pkey;
ALTER TABLE analysis ADD PRIMARY KEY (analysis_id);
ALTER TABLE analysis ADD COLUMN rollback_id VARCHAR(200);
CREATE INDEX analysis_deployment ON analysis (deployment_id);

ALTER TABLE anomaly DROP CONSTRAINT IF EXISTS anomaly_deployment_id_key;
CREATE INDEX anomaly_deployment ON anomaly (deployment_id);
