-- Issue 10: a target may belong to a team. Its members (operators) manage it, everyone else sees only targets of
-- their own teams and the platform's (team NULL), which only admins change.
-- Secret settings (e.g. the webhook executor's "secret") are sealed inside the settings JSON by the service
-- (SecretBox, "sealed:v1:..."): the column stays TEXT; rows written before are read as they are and sealed on their
-- next write.
ALTER TABLE target ADD COLUMN team VARCHAR(100);
CREATE INDEX target_team ON target (team);
