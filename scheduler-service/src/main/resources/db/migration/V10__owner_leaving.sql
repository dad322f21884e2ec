-- A PC whose agent is shutting down (SIGTERM) says so in its owner report: its jobs move away as from a drained PC.
ALTER TABLE worker_owner ADD COLUMN leaving boolean NOT NULL DEFAULT false;
