-- Why the model stopped, per attempt: stop, length (max_tokens: the answer was cut), content_filter.
-- A cut or filtered answer is stored as incomplete; this column says which it was.
alter table llm_call add column finish_reason text;

-- Who chose an answer's intent when it was not the engine in `source`: 'offline' when the model's reply
-- had no usable intent (plain text, an empty or cut reply) and the offline rules read the customer's message.
alter table message add column intent_source text;
