-- Users of the cluster and the tokens minted for them. A token names its row by jti; a revoked row, or a revoked
-- user, refuses the token at once (within the verifiers' cache time).
CREATE TABLE users (
    name        text        PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE user_tokens (
    jti         text        PRIMARY KEY,
    user_name   text        NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    issued_by   text        NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_name);
