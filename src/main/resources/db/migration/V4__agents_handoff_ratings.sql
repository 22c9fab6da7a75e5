-- Support agents and admins. Passwords are bcrypt hashes (quarkus-security-jpa); last_seen_at is
-- refreshed while an agent has the console open, so every instance knows whether anyone is online.
create table agent (
    id            bigserial primary key,
    username      text        not null unique,
    password      text        not null,
    role          text        not null check (role in ('agent', 'admin')),
    display_name  text        not null,
    created_at    timestamptz not null default now(),
    last_seen_at  timestamptz
);

alter table conversation
    add column assigned_agent bigint references agent (id),
    add column tags           text[]      not null default '{}',
    add column rating         smallint check (rating between 1 and 5),
    add column rating_comment text,
    add column rated_at       timestamptz;
create index conversation_assigned on conversation (assigned_agent, updated_at);

-- Agent messages carry the agent's name; system messages say what happened (kind: agent_joined, ...).
alter table message
    add column author text,
    add column kind   text;

-- Internal notes: seen by agents only, never sent to the customer.
create table conversation_note (
    id              bigserial primary key,
    conversation_id uuid        not null references conversation (id) on delete cascade,
    author          text        not null,
    text            text        not null,
    at              timestamptz not null default now()
);
create index conversation_note_conversation on conversation_note (conversation_id, id);

-- Inbox search: case-insensitive substring match (ILIKE) over message text, for Chinese as well as
-- English (no word splitting needed); the trigram index serves patterns of three or more characters.
create extension if not exists pg_trgm;
create index message_text_trgm on message using gin (text gin_trgm_ops);
create index message_intent on message (intent) where intent is not null;
