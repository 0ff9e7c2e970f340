CREATE TABLE subscription (
    id            VARCHAR(64)   PRIMARY KEY,
    team          VARCHAR(100)  NOT NULL,
    channel_type  VARCHAR(20)   NOT NULL,
    channel_url   VARCHAR(2000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX subscription_team ON subscription (team);

-- a service name, or '*' for all services
CREATE TABLE subscription_service (
    subscription_id  VARCHAR(64)  NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    position         INTEGER      NOT NULL,
    service          VARCHAR(100) NOT NULL,
    PRIMARY KEY (subscription_id, position)
);
CREATE INDEX subscription_service_name ON subscription_service (service);

-- no foreign key to subscription: the delivery history outlives a deleted subscription
CREATE TABLE delivery (
    id               VARCHAR(64)   PRIMARY KEY,
    subscription_id  VARCHAR(64)   NOT NULL,
    team             VARCHAR(100)  NOT NULL,
    service          VARCHAR(100)  NOT NULL,
    environment      VARCHAR(100)  NOT NULL,
    channel_type     VARCHAR(20)   NOT NULL,
    event_id         VARCHAR(200)  NOT NULL,
    event_type       VARCHAR(200)  NOT NULL,
    body             TEXT          NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    -- one notification per event and subscription
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX delivery_team ON delivery (team, created_at DESC);
