-- A service.rolledback that arrived before its deployment's service.deployed/upgraded (replays, topic resets and
-- mirrors do not keep order across producers). It is applied when the deployment arrives, so a version that was
-- already rolled back is never verified; the row goes once applied.
CREATE TABLE early_rollback (
    deployment_id   VARCHAR(200)  PRIMARY KEY,
    service         VARCHAR(100)  NOT NULL,
    environment     VARCHAR(100)  NOT NULL,
    rolled_back_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    event_id        VARCHAR(200)  NOT NULL,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
