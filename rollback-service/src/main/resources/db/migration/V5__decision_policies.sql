-- Issue 9: decision policies, environment-wide (service '') or a service's override, merged field by field into the
-- policy a decision applies. body is the policy as stored (JSON, only the fields it sets); version counts the PUTs of
-- the scope row and goes on after a DELETE (the row stays as a tombstone), so "checkout/production v2" in a decision's
-- explanation always names one body.
CREATE TABLE decision_policy (
    environment  VARCHAR(100)  NOT NULL,
    service      VARCHAR(100)  NOT NULL DEFAULT '',
    body         TEXT          NOT NULL,
    version      INTEGER       NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by   VARCHAR(200)  NOT NULL,
    deleted_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT decision_policy_scope PRIMARY KEY (environment, service)
);
