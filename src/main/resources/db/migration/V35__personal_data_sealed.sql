-- Personal data at rest (privacy.Vault): a message holding personal details keeps its masked form in
-- text (searchable: [PHONE_1], [EMAIL_1], ...) and its clear text sealed with AES-256-GCM (nonce and
-- ciphertext) under key version sealed_key. Both null for the many messages that hold none.
alter table message add column sealed bytea, add column sealed_key integer;
-- the re-sealing job finds rows under an older key without reading the others
create index message_sealed_key on message (sealed_key, id) where sealed is not null;

-- Traceability: the prompt template version (SHA-256 of the system prompt, first 16 hex) of each model call.
alter table llm_call add column prompt_version text;

-- Model transparency: the disclosure page's text, edited by admins (one row; absent: the built-in text).
create table ai_disclosure (
    id         integer primary key check (id = 1),
    body       text not null,
    updated_by text not null,
    updated_at timestamptz not null
);

-- An agent's correction of an answer (the intent it should have had, the text it should have said): the
-- bias report's intent agreement and the fine-tuning export's corrected answers. The text is stored masked.
alter table message add column corrected_intent text, add column corrected_text text,
    add column corrected_by text, add column corrected_at timestamptz;
