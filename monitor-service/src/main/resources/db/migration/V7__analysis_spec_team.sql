-- Issue 10: a spec may belong to a team (its members and admins see and manage it); null is the platform's (every
-- viewer sees it, only admins change it).
ALTER TABLE analysis_spec ADD COLUMN team VARCHAR(63);
