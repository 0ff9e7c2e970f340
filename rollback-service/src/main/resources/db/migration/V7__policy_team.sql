-- Issue 10: a policy may belong to a team (its members and admins see and manage it); null is the platform's (every
-- viewer sees it, only admins change it). An environment's policy and a service's override each have their own.
ALTER TABLE decision_policy ADD COLUMN team VARCHAR(63);
