-- Agents report the CPU time of their container, which starts from zero at every restore. The job's progress is
-- the CPU time of the placements it descends from: cpu_base (up to the checkpoint this placement restored) plus
-- the container's; checkpoint_cpu_seconds is that total at the newest checkpoint, the base of the next restore.
ALTER TABLE jobs ADD COLUMN cpu_base double precision NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN checkpoint_cpu_seconds double precision NOT NULL DEFAULT 0;
