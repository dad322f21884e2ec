-- One row that every registry replica touches every few seconds (seen_at, on the database's clock). When a touch finds
-- the last one older than a few rounds, no replica could record anything (the database or every replica was down):
-- heartbeats could not arrive, so PCs get their lost-after time again from then (grace_from, on the registry's
-- clock, as last_seen is) before any is given up. The first touch after this migration counts as such an end.
CREATE TABLE registry_presence (
    id smallint PRIMARY KEY CHECK (id = 1),
    seen_at timestamptz NOT NULL,
    grace_from timestamptz
);
INSERT INTO registry_presence (id, seen_at, grace_from) VALUES (1, '-infinity', NULL);
