-- Jobs: one row per job, updated in place under SELECT … FOR UPDATE; the history is job_events.
CREATE TABLE jobs (
    id                  text        PRIMARY KEY,
    name                text        NOT NULL,
    spec                jsonb       NOT NULL,                 -- the JobSubmission with defaults applied
    state               text        NOT NULL CHECK (state IN ('QUEUED','PLACED','RUNNING','MIGRATING','SUCCEEDED','FAILED','CANCELLED')),
    -- What is in flight besides the state: CHECKPOINT (periodic), MIGRATE_CHECKPOINT, EVICT_CHECKPOINT,
    -- MIGRATE_RESTORE (restore on the target), ROLLBACK_RESTORE (restore back on the source); null = nothing.
    op                  text,
    epoch               bigint      NOT NULL DEFAULT 0,
    worker_id           text,                                  -- the worker of the current container
    worker_facts        jsonb,                                 -- HostFacts of worker_id when it was placed there
    target_worker_id    text,                                  -- migration target while MIGRATING
    target_facts        jsonb,
    migration_reason    text,
    migration_started_at timestamptz,
    migration_checkpoint jsonb,                                -- timings of the migration's checkpoint
    prev_worker_id      text,                                  -- a stopped source container kept until the target confirms
    prev_epoch          bigint,
    pending_blob_id     text,                                  -- the checkpoint being written
    checkpoint_seq      bigint      NOT NULL DEFAULT 0,
    checkpoint_blob_id  text,                                  -- newest usable checkpoint, null = start from scratch
    checkpoint_facts    jsonb,                                 -- HostFacts of the worker that took it
    checkpoint_bytes    bigint,
    last_checkpoint_at  timestamptz,
    retries             integer     NOT NULL DEFAULT 0,
    max_retries         integer     NOT NULL,
    cpu_seconds         double precision,
    exit_code           integer,
    reason              text,
    submitted_by        text,
    submitted_at        timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    placed_at           timestamptz,
    started_at          timestamptz,
    finished_at         timestamptz
);
CREATE INDEX jobs_state_idx ON jobs (state);
CREATE INDEX jobs_active_idx ON jobs (submitted_at) WHERE state NOT IN ('SUCCEEDED','FAILED','CANCELLED');

CREATE TABLE job_events (
    job_id      text        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq         bigserial   PRIMARY KEY,
    type        text        NOT NULL,
    at          timestamptz NOT NULL,
    epoch       bigint      NOT NULL,
    worker_id   text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX job_events_job_idx ON job_events (job_id, seq);

-- The outbox of agent commands: delivered on every poll until acked by an event naming the command.
CREATE TABLE commands (
    id          text        PRIMARY KEY,
    seq         bigserial   NOT NULL UNIQUE,
    worker_id   text        NOT NULL,
    job_id      text        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch       bigint      NOT NULL,
    type        text        NOT NULL CHECK (type IN ('RUN','CHECKPOINT','RESTORE','KILL','CLEANUP')),
    payload     jsonb       NOT NULL,                          -- blobId, capability op, leaveRunning (no tokens: minted per delivery)
    created_at  timestamptz NOT NULL,
    acked_at    timestamptz
);
CREATE INDEX commands_unacked_idx ON commands (worker_id, seq) WHERE acked_at IS NULL;

-- Events already applied: the key of idempotency is (command, type): a RUN is answered by STARTED, then EXITED.
CREATE TABLE agent_events (
    command_id  text        NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL,
    body        jsonb       NOT NULL,
    PRIMARY KEY (command_id, type)
);

CREATE TABLE checkpoints (
    blob_id     text        PRIMARY KEY,
    job_id      text        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch       bigint      NOT NULL,
    seq         bigint      NOT NULL,
    worker_id   text        NOT NULL,
    size_bytes  bigint,
    sha256      text,
    origin      jsonb,                                         -- HostFacts of the worker that took it
    leave_running boolean   NOT NULL,
    checkpoint_millis bigint,
    transfer_millis bigint,
    taken_at    timestamptz NOT NULL
);
CREATE INDEX checkpoints_job_idx ON checkpoints (job_id, taken_at);
