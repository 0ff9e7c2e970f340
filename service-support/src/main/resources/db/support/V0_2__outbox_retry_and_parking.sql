-- The relay keeps order per topic and key only: a failed row is retried with backoff, then parked, and the
-- rows of other keys go on. Claims let several instances relay at once without sending a key out of order.
ALTER TABLE outbox_event ADD COLUMN status          VARCHAR(10)   NOT NULL DEFAULT 'PENDING';
ALTER TABLE outbox_event ADD COLUMN attempts        INTEGER       NOT NULL DEFAULT 0;
ALTER TABLE outbox_event ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now();
ALTER TABLE outbox_event ADD COLUMN last_error      VARCHAR(2000);
ALTER TABLE outbox_event ADD COLUMN parked_at       TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox_event ADD COLUMN claimed_by      VARCHAR(200);
ALTER TABLE outbox_event ADD COLUMN claimed_until   TIMESTAMP WITH TIME ZONE;
UPDATE outbox_event SET status = 'SENT' WHERE sent_at IS NOT NULL;

DROP INDEX outbox_event_unsent;
-- the head of each topic and key: the only row of that key the relay may send next
CREATE INDEX outbox_event_unsent_by_key ON outbox_event (topic, record_key, id) WHERE sent_at IS NULL;
