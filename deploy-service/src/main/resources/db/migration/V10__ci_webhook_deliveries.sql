-- Deliveries accepted by the signed CI webhook (POST /api/v1/ci/events). A delivery id repeated by the same source
-- (a CI retry) or an event id seen before is answered "duplicate" and queued nothing new; both checks are unique
-- indexes, so two instances receiving the same delivery at once queue it once.
CREATE TABLE ci_webhook_delivery (
    source       VARCHAR(100)  NOT NULL,
    delivery_id  VARCHAR(200)  NOT NULL,
    event_id     VARCHAR(200)  NOT NULL,
    event_type   VARCHAR(200)  NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (source, delivery_id)
);
CREATE UNIQUE INDEX ci_webhook_delivery_event ON ci_webhook_delivery (event_id);
CREATE INDEX ci_webhook_delivery_received ON ci_webhook_delivery (received_at);
