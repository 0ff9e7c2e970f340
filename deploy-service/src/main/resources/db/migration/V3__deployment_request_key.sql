-- A report over REST may carry an Idempotency-Key: a client that retries after a timeout (its first request may
-- still be applied later) gets the deployment its first request created, never a second one.
ALTER TABLE deployment ADD COLUMN request_key VARCHAR(200);
CREATE UNIQUE INDEX deployment_request_key ON deployment (request_key) WHERE request_key IS NOT NULL;
