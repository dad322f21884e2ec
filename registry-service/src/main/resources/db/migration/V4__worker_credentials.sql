-- A worker's own credential: its enrolment returns it once, and re-registering its machine needs it (the join token
-- alone no longer lets a PC take over another's identity). Only its SHA-256 is kept. NULL for workers enrolled
-- before this version: the next registration of the machine claims one.
ALTER TABLE workers ADD COLUMN credential_sha256 bytea;

-- Workers removed or revoked by an admin: the scheduler refuses their tokens (it reads this list every few seconds).
-- Ids are never reused, so a row keeps its worker's tokens dead for good. A banned machine may not enrol again until
-- an admin lifts the ban.
CREATE TABLE worker_revocations (
    worker_id  text PRIMARY KEY,
    machine_id text        NOT NULL,
    revoked_at timestamptz NOT NULL,
    banned     boolean     NOT NULL
);
CREATE INDEX worker_revocations_banned_machine_idx ON worker_revocations (machine_id) WHERE banned;
CREATE INDEX worker_revocations_revoked_at_idx ON worker_revocations (revoked_at);
