-- Log-in attempts still counted against an account and an address
-- (OWASP ASVS 4 V2.2.1). A row is written before the password is checked
-- and deleted when it was right, so an attempt in flight already counts:
-- concurrent guesses cannot slip past the budget. Rows older than the
-- window no longer count and are pruned.
CREATE TABLE login_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    ip text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_account_idx ON login_attempts (account, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
CREATE INDEX login_attempts_at_idx ON login_attempts (at);
