-- Every answer bumps conversation.last_seq, a column no index covers: with room left on the page,
-- PostgreSQL updates the row in place (a heap-only update) instead of writing a new entry into each
-- of the table's indexes. The answer no longer touches updated_at (indexed), the customer's message does.
alter table conversation set (fillfactor = 80);
