-- Job logs as agents ship them while jobs run: one row per placement (epoch) with where its log stands, and the
-- lines in chunks as they came. seq orders chunks for followers that read only what is new.
CREATE TABLE job_logs (
    job_id      text        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch       bigint      NOT NULL,
    worker_id   text        NOT NULL,
    next_line   bigint      NOT NULL DEFAULT 1,
    bytes       bigint      NOT NULL DEFAULT 0,
    complete    boolean     NOT NULL DEFAULT false,
    capped      boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, epoch)
);

CREATE TABLE job_log_chunks (
    seq         bigserial   PRIMARY KEY,
    job_id      text        NOT NULL,
    epoch       bigint      NOT NULL,
    first_line  bigint      NOT NULL,
    lines       jsonb       NOT NULL,
    received_at timestamptz NOT NULL,
    FOREIGN KEY (job_id, epoch) REFERENCES job_logs (job_id, epoch) ON DELETE CASCADE
);
CREATE INDEX job_log_chunks_job_idx ON job_log_chunks (job_id, seq);

-- Job images pushed into the store, by reference; immutable once recorded.
CREATE TABLE images (
    reference   text        PRIMARY KEY,
    owner       text        NOT NULL,
    blob_id     text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    sha256      text        NOT NULL,
    pushed_at   timestamptz NOT NULL
);
