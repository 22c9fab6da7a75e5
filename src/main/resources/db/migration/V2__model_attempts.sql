-- One row per model attempt: what was called, what it answered or why it failed, and what it cost.
create table llm_call (
    id                bigserial primary key,
    conversation_id   uuid        not null references conversation (id) on delete cascade,
    turn              text        not null,          -- the customer message id (the request id in logs)
    reply_to          bigint      not null,          -- seq of the customer message
    tier              text        not null,
    provider          text        not null,
    model             text        not null,
    attempt           integer     not null,          -- 1 for the first call to this provider in this turn
    outcome           text        not null,          -- ok, or the error kind (rate_limited, server_error, ...)
    http_status       integer,
    error_message     text,
    request_id        text,
    first_token_ms    integer,
    total_ms          integer,
    prompt_tokens     integer,
    completion_tokens integer,
    cache_hit_tokens  integer,
    cache_miss_tokens integer,
    reasoning_tokens  integer,
    cost              numeric(20, 12),
    created_at        timestamptz not null default now()
);
create index llm_call_conversation on llm_call (conversation_id, id);

-- Routing: conversations flagged as priority go to the priority tier.
alter table conversation add column priority boolean not null default false;
