-- The business's knowledge base (issue 16): articles the assistant answers from and cites. Every change
-- is a new row in kb_article_version (who, when, what), and a NOTIFY parley_knowledge so that every
-- instance updates its in-memory search index.
create table kb_article (
    id          bigserial primary key,
    -- a stable key from an import (a file name, a CSV/JSONL id or question): importing again updates, not duplicates
    external_key text unique,
    title       text not null check (length(title) between 1 and 300),
    body        text not null check (length(body) <= 200000),
    language    text not null check (language in ('zh-CN', 'en', 'both')),
    tags        jsonb not null default '[]',
    url         text check (url is null or url ~ '^https?://'),
    published   boolean not null default false,
    version     int not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    updated_by  text not null,
    -- deleted articles keep their history; importing the same key again brings one back
    deleted_at  timestamptz
);

create table kb_article_version (
    article_id  bigint not null references kb_article (id) on delete cascade,
    version     int not null,
    title       text not null,
    body        text not null,
    language    text not null,
    tags        jsonb not null,
    url         text,
    published   boolean not null,
    -- created, edited, published, unpublished, imported, deleted
    change      text not null,
    changed_by  text not null,
    changed_at  timestamptz not null default now(),
    primary key (article_id, version)
);

-- The passages an answer was given and the sources it cited, for the agents' transcript and the frames.
alter table message add column sources jsonb;
alter table message add column passages jsonb;

-- An offline answer made from an article is stored with source 'kb'.
alter table message drop constraint message_source_check;
alter table message add constraint message_source_check check (source in ('model', 'offline', 'cache', 'kb'));
