-- Every customer message moves conversation.updated_at (its last activity). While updated_at was a column of three
-- indexes, each of those updates was a new row version with a new entry in every index of the table (five), about a
-- fifth of PostgreSQL's work per turn (issue 21). Indexed without it, and with the room fillfactor 80 leaves on the
-- page (V6), the update stays heap-only. The queries that order by updated_at sort the rows of one status, agent or
-- user (a handful to a few thousand) instead of reading them in index order; the inactivity sweep runs once a minute.
drop index conversation_activity;
create index conversation_status on conversation (status);
drop index conversation_assigned;
create index conversation_assigned on conversation (assigned_agent);
drop index conversation_external_user;
create index conversation_external_user on conversation (external_user_id) where external_user_id is not null;

-- A client-made id is unique in its conversation for the messages people send (customer, agent, system lines made
-- idempotent by it); an answer's id is a random UUID the server makes, so its reserved row and its stored version no
-- longer add an entry to this index (one unique index fewer written twice per turn).
alter table message drop constraint message_id_unique;
create unique index message_id_unique on message (conversation_id, msg_id) where role <> 'assistant';
