-- Conversation lifecycle: every status change, with who made it and when.
create table conversation_event (
    id              bigserial primary key,
    conversation_id uuid        not null references conversation (id) on delete cascade,
    from_status     text        not null,
    to_status       text        not null,
    actor           text        not null,   -- customer, system, agent:<name>
    reason          text,
    at              timestamptz not null default now()
);
create index conversation_event_conversation on conversation_event (conversation_id, id);

alter table conversation add constraint conversation_status_check
    check (status in ('bot', 'waiting_agent', 'agent', 'resolved', 'closed'));
create index conversation_activity on conversation (status, updated_at);

-- An answer's row is written when its stream starts (state 'streaming', seq reserved) and completed
-- at the end. 'owner' is the instance streaming it: a PostgreSQL advisory lock that the instance
-- holds while it lives tells the others whether a 'streaming' row is still being written.
alter table message drop constraint message_state_check;
alter table message add constraint message_state_check
    check (state in ('streaming', 'complete', 'incomplete', 'interrupted'));
alter table message add column owner bigint;

drop index message_one_answer;
create unique index message_one_answer on message (conversation_id, reply_to)
    where role = 'assistant' and state in ('streaming', 'complete');

-- a reserved answer has no seq until it is stored
alter table message alter column seq drop not null;
