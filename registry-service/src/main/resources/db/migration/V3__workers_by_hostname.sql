-- The admin's list pages through the workers by (hostname, id) with keyset queries: this index serves the order and
-- the "after the cursor" condition. Heartbeats still update rows in place (HOT): they change neither column.
CREATE INDEX workers_hostname_id_idx ON workers (hostname, id);
