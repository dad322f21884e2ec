-- The output blob of the epoch that exited (served to the job's owner) and why a queued job waits.
ALTER TABLE jobs ADD COLUMN output_blob_id text;
ALTER TABLE jobs ADD COLUMN waiting_reason text;
-- Jobs are listed per owner, newest first, page by page.
CREATE INDEX jobs_owner_idx ON jobs (submitted_by, submitted_at DESC, id);
CREATE INDEX jobs_submitted_idx ON jobs (submitted_at DESC, id);
