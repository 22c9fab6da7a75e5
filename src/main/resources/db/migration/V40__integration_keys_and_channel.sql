-- Issue 19: the channel a conversation came in by, and integration keys for server-to-server calls.
alter table conversation add column channel text not null default 'web'
    check (channel in ('web', 'widget', 'rest', 'grpc', 'batch'));

-- A key is shown once; only its SHA-256 is kept. The key is 32 random bytes, so a plain fast hash is
-- enough: there is no dictionary to try, and a look-up by hash needs no per-key salt.
create table integration_key (
    id           bigserial primary key,
    name         text        not null check (length(name) between 1 and 100),
    prefix       text        not null,
    key_hash     bytea       not null unique,
    scopes       text[]      not null,
    per_minute   int         not null check (per_minute > 0),
    created_by   text        not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
