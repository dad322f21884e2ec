-- The planner looks up KILL/CLEANUP commands per container (worker, job, epoch) to fence stale containers once.
CREATE INDEX commands_fence_idx ON commands (job_id, worker_id, epoch) WHERE type IN ('KILL','CLEANUP');

-- Checkpoint blobs the scheduler deleted from the store (superseded by a newer one, or the job finished).
ALTER TABLE checkpoints ADD COLUMN deleted_at timestamptz;
