-- The owner's state per PC as its agent reports it straight to the scheduler (PUT /agents/{id}/owner), with the jobs
-- it holds suspended for the owner: the planner reads the rows received since its last round, not every PC.
CREATE TABLE worker_owner (
    worker_id    text        PRIMARY KEY,
    owner_active boolean     NOT NULL,
    changed_at   timestamptz NOT NULL,                      -- on the agent's clock: the newest report wins
    received_at  timestamptz NOT NULL,                      -- on the scheduler's: what the planner reads after
    suspended    jsonb       NOT NULL DEFAULT '[]'::jsonb   -- [{jobId, epoch, since}] of jobs running there
);
CREATE INDEX worker_owner_received_idx ON worker_owner (received_at);
