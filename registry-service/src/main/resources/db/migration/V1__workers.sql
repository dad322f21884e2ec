-- Workers known to the registry: one row per machine. Heartbeats overwrite last_seen and latest_report in place
-- (no history rows), so the table stays as large as the cluster.
CREATE TABLE workers (
    id               text        PRIMARY KEY,
    machine_id       text        NOT NULL UNIQUE,
    hostname         text        NOT NULL,
    agent_version    text        NOT NULL,
    cores            integer     NOT NULL CHECK (cores > 0),
    memory_mib       bigint      NOT NULL CHECK (memory_mib > 0),
    job_cpus         integer     NOT NULL CHECK (job_cpus >= 0 AND job_cpus <= cores),
    cpu_model        text,
    cpu_flags        text        NOT NULL DEFAULT '',  -- space separated, as in /proc/cpuinfo
    benchmark_score  double precision NOT NULL CHECK (benchmark_score > 0),
    podman_version   text,
    criu_version     text,
    oci_runtime      text,
    cgroup_version   integer,
    arch             text,
    labels           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    registered_at    timestamptz NOT NULL,
    -- Written from the registry's clock, like the "now" that liveness is computed against at read time.
    last_seen        timestamptz NOT NULL,
    latest_report    jsonb,
    desired_state    text        NOT NULL DEFAULT 'ACTIVE' CHECK (desired_state IN ('ACTIVE', 'DRAIN')),
    owner_state      text        CHECK (owner_state IN ('IDLE', 'ACTIVE')),
    heartbeat_count  bigint      NOT NULL DEFAULT 0
);

-- Status filters and the per-status gauge are range scans on last_seen.
CREATE INDEX workers_last_seen_idx ON workers (last_seen);
CREATE INDEX workers_labels_idx ON workers USING gin (labels jsonb_path_ops);
