-- Intents a business adds through the API (issue 15): an answer per language and the example messages
-- the offline classifier learns them from. Every instance retrains when they change (NOTIFY parley_intents).
create table business_intent (
    name       text primary key check (name ~ '^[a-z][a-z0-9_]{1,39}$'),
    answer_en  text not null,
    answer_zh  text not null,
    handoff    boolean not null default false,
    created_at timestamptz not null default now()
);

create table business_intent_example (
    id         bigserial primary key,
    intent     text not null references business_intent (name) on delete cascade,
    text       text not null,
    created_at timestamptz not null default now(),
    unique (intent, text)
);
