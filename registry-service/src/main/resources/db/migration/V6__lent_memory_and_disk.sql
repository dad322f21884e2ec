-- What a PC lends each job beyond cores, as its agent registers it: memory (null: three quarters of the PC's, as
-- before this column kept it) and the most one job may write to disk (null: not told, 0: no limit).
ALTER TABLE workers ADD COLUMN job_memory_mib bigint;
ALTER TABLE workers ADD COLUMN job_disk_mib bigint;
