-- Runs once, when the postgres container initialises an empty data volume.
-- One database per service, all owned by the role the services log in with (their default credentials).
CREATE ROLE lifeguard LOGIN PASSWORD 'lifeguard';

CREATE DATABASE lifeguard_deploy OWNER lifeguard;
CREATE DATABASE lifeguard_monitor OWNER lifeguard;
CREATE DATABASE lifeguard_rollback OWNER lifeguard;
CREATE DATABASE lifeguard_notify OWNER lifeguard;
CREATE DATABASE lifeguard_postmortem OWNER lifeguard;
