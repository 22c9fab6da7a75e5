-- Issue 20: image attachments. The bytes live in the database next to their conversation (so a
-- conversation's retention and erasure take them too); the type is the one sniffed from the bytes.
create table attachment (
    id              uuid primary key,
    conversation_id uuid        not null references conversation (id) on delete cascade,
    uploaded_by     text        not null check (uploaded_by in ('customer', 'agent')),
    content_type    text        not null check (content_type in ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    size            int         not null,
    sha256          text        not null,
    bytes           bytea       not null,
    created_at      timestamptz not null default now()
);
create index attachment_conversation on attachment (conversation_id);

-- The message that shows an attachment (a customer's or an agent's).
alter table message add column attachment_id uuid references attachment (id) on delete set null;
