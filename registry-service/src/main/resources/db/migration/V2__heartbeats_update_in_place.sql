-- Heartbeats should update rows in place (HOT): no index entry may change and the page needs room for the new
-- row version. An index on last_seen defeated that: every heartbeat wrote a new entry into every index of the
-- table, the GIN index on labels included. The status filters and gauges scan the table instead, which holds
-- one row per PC; fillfactor leaves each page half free for the next versions of its rows.
DROP INDEX workers_last_seen_idx;
ALTER TABLE workers SET (fillfactor = 50);
