-- A migration's target fetches the checkpoint while the source uploads it (AgentCommandType.PREFETCH).
ALTER TABLE commands DROP CONSTRAINT commands_type_check;
ALTER TABLE commands ADD CONSTRAINT commands_type_check
    CHECK (type IN ('RUN','CHECKPOINT','RESTORE','KILL','CLEANUP','PREFETCH'));
