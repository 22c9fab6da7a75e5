-- Every call Parley makes to a business's system (an action), for the transcript and the audit:
-- what was called with what, how it ended, how long it took, a short summary of the result.
create table action_call (
    id              bigserial   primary key,
    conversation_id uuid        not null references conversation (id) on delete cascade,
    turn            text        not null,              -- the customer message's client id
    action          text        not null,
    arguments       jsonb       not null,
    outcome         text        not null,              -- ok, http_error, timeout, too_large, unreachable, rejected
    http_status     integer,
    duration_ms     integer     not null,
    summary         text,
    changes         boolean     not null,
    at              timestamptz not null default now()
);
create index action_call_conversation on action_call (conversation_id, id);

-- An action that changes something, proposed to the customer and waiting for their yes; it survives
-- a reconnect (it is the conversation's, not the socket's) and expires.
create table action_proposal (
    id              bigserial   primary key,
    conversation_id uuid        not null references conversation (id) on delete cascade,
    turn            text        not null,
    action          text        not null,
    arguments       jsonb       not null,
    state           text        not null default 'pending',   -- pending, running, done, failed, cancelled
    created_at      timestamptz not null default now(),
    expires_at      timestamptz not null,
    constraint action_proposal_state check (state in ('pending', 'running', 'done', 'failed', 'cancelled'))
);
create index action_proposal_pending on action_proposal (conversation_id) where state = 'pending';
