-- A sample is identified by what it is, never by where it sat on a topic: the target, version, metric, source
-- (instance label) and timestamp, hashed into sample_id. A sample without a timestamp gets a random id: it
-- is always taken as new.
ALTER TABLE metric_sample ADD COLUMN source VARCHAR(200);
ALTER TABLE metric_sample ADD COLUMN sample_id VARCHAR(64);
UPDATE metric_sample SET sample_id = 'before-v2-' || id;
ALTER TABLE metric_sample ALTER COLUMN sample_id SET NOT NULL;
ALTER TABLE metric_sample DROP CONSTRAINT metric_sample_identity;
ALTER TABLE metric_sample ADD CONSTRAINT metric_sample_identity UNIQUE (sample_id);
CREATE INDEX metric_sample_window ON metric_sample (service, environment, version, metric, sampled_at);

-- Offset-based markers of the metrics consumer (before V2) mean nothing after a topic reset.
DELETE FROM processed_event WHERE consumer = 'monitor-service/metrics';
