-- How the chain's rollback went short of restoring a version (deploy-service's failed, skipped or accepted; the
-- newest by event time), so that an incident whose rollback failed stays open and says why, and who rolled back.
ALTER TABLE incident
    ADD COLUMN rollback_outcome               VARCHAR(20),
    ADD COLUMN rollback_outcome_event_id      VARCHAR(200),
    ADD COLUMN rollback_outcome_at            TIMESTAMP WITH TIME ZONE,
    ADD COLUMN rollback_outcome_rollback_id   TEXT,
    ADD COLUMN rollback_outcome_from_version  TEXT,
    ADD COLUMN rollback_outcome_to_version    TEXT,
    ADD COLUMN rollback_outcome_reason        TEXT,
    ADD COLUMN rollback_outcome_executor      TEXT,
    ADD COLUMN rollback_outcome_detail        TEXT,
    ADD COLUMN rollback_outcome_attempts      INTEGER,
    ADD COLUMN rollback_complete_url          TEXT,
    -- executor | ci | person: who carried out the rollback that resolved it
    ADD COLUMN rolled_back_by                 TEXT;
