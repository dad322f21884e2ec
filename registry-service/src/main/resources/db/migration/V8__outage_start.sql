-- When the last outage began (the last touch before it): PCs LOST already by then get no grace after it.
ALTER TABLE registry_presence ADD COLUMN outage_from timestamptz;
