-- A PC enrolled while upc.registry.approve-new-workers is on waits, drained, until an admin approves it.
-- Workers enrolled before are approved.
ALTER TABLE workers ADD COLUMN approved boolean NOT NULL DEFAULT true;
