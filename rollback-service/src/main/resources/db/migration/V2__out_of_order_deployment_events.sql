-- What a rollback restored: a deployment event that arrives late can then tell whether it runs again.
ALTER TABLE tracked_deployment ADD COLUMN rolled_back_to VARCHAR(200);

-- service.rolledback events that arrived before their deployment's event: applied when it arrives, so the
-- late deployment is tracked as rolled back instead of taking over as the running one.
CREATE TABLE early_rollback (
    deployment_id  VARCHAR(200)  PRIMARY KEY,
    service        VARCHAR(100)  NOT NULL,
    environment    VARCHAR(100)  NOT NULL,
    to_version     VARCHAR(200)  NOT NULL,
    event_id       VARCHAR(200)  NOT NULL,
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
