-- The widget: a verified site user (HMAC identity) keeps one conversation across devices, and every
-- conversation remembers the site (browser Origin) it was started from.
alter table conversation
    add column external_user_id text,
    add column site             text;
create index conversation_external_user on conversation (external_user_id, updated_at desc) where external_user_id is not null;
