-- The PostgreSQL store's first schema (forms_api/store/postgres.py, pgshared.py): applied by
-- `python -m forms_api store upgrade`, in one transaction, never edited once released (add 002_*.sql instead).

-- The event log: one event a row, its JSON line exactly as the folder store writes it; the identity gives the order.
-- Appends take the advisory lock of the log, so ids are committed in order and readers fold them by id.
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line text NOT NULL
);

-- One row: bumped by every rewrite (retention, restore), so that every instance folds the log again from its start.
CREATE TABLE log_generation (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    generation bigint NOT NULL
);
INSERT INTO log_generation (one, generation) VALUES (true, 0);

-- Secrets kept beside the events: 'evaluations' (the yearly evaluations' voter hashes), 'console' (session cookies).
CREATE TABLE store_keys (
    name text PRIMARY KEY,
    value text NOT NULL CHECK (value ~ '^[0-9a-f]{64}$')
);

-- The back office's accounts (lockout counters and session revocations included), one row each.
CREATE TABLE accounts (
    login text PRIMARY KEY,
    record jsonb NOT NULL
);

-- Small documents kept whole: 'templates' (the office's reply templates, in its order).
CREATE TABLE documents (
    name text PRIMARY KEY,
    body jsonb NOT NULL
);
