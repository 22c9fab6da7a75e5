-- Conversations and their messages. Sequence numbers are per conversation and allocated by
-- incrementing conversation.last_seq in the same transaction that inserts the message.
create table conversation (
    id          uuid primary key,
    token_hash  text        not null unique,   -- SHA-256 of the visitor token; the token itself is never stored
    status      text        not null default 'bot',
    locale      text,
    last_seq    bigint      not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table message (
    id                bigserial primary key,
    conversation_id   uuid        not null references conversation (id) on delete cascade,
    seq               bigint      not null,
    msg_id            text        not null,        -- client-made id for customer messages, server-made otherwise
    role              text        not null check (role in ('customer', 'assistant', 'agent', 'system')),
    text              text        not null,
    reply_to          bigint,                      -- for answers: seq of the customer message answered
    state             text        not null default 'complete' check (state in ('complete', 'incomplete')),
    created_at        timestamptz not null default now(),
    -- structured answer
    intent            text,
    confidence        double precision,
    entities          jsonb,
    suggestions       jsonb,
    sentiment         text,
    handoff           boolean,
    source            text check (source in ('model', 'offline', 'cache')),
    provider          text,
    model             text,
    -- accounting
    prompt_tokens     integer,
    completion_tokens integer,
    cache_hit_tokens  integer,
    cache_miss_tokens integer,
    first_token_ms    integer,
    total_ms          integer,
    request_id        text,
    constraint message_seq_unique unique (conversation_id, seq),
    constraint message_id_unique unique (conversation_id, msg_id)
);

-- At most one complete answer per customer message: a resend never produces a second one.
create unique index message_one_answer on message (conversation_id, reply_to)
    where role = 'assistant' and state = 'complete';
