-- Why the model stopped, per attempt: stop, length (max_tokens: the answer was cut), content_filter.
-- A cut or filtered answer is stored as incomplete; this column says which it was.
alter table llm_call add column finish_reason text;
