-- A rollback request may name a deployment this database does not know (it was reset, or the request comes from
-- another cluster): it is recorded as SKIPPED, which the foreign key would refuse, leaving the consumer stuck.
ALTER TABLE rollback DROP CONSTRAINT rollback_deployment_id_fkey;
