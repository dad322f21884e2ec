-- The planner learns what moves cost from the newest MIGRATED events (dev.upc.scheduler.learning).
CREATE INDEX job_events_migrated_idx ON job_events (seq) WHERE type = 'MIGRATED';
