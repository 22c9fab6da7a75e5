-- The supervisors' dashboard (agent.Dashboard) reads a time window (up to a week) of messages, model
-- attempts, status changes and ratings every few seconds. These rows are appended in time order, so a
-- BRIN index (a few pages; almost free to keep up on insert, and no obstacle to heap-only updates)
-- finds the window without reading the whole table. Ratings are few: a partial B-tree.
create index message_created_brin on message using brin (created_at);
create index llm_call_created_brin on llm_call using brin (created_at);
create index conversation_event_at_brin on conversation_event using brin (at);
create index conversation_rated on conversation (rated_at) where rated_at is not null;
