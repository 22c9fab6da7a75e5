-- The audit trail (issue 17): who did what, when, from where, with what outcome. Append-only and
-- tamper-evident: each entry's hash covers its content and the previous entry's hash, so an edited,
-- inserted or removed row breaks the chain from there on. Rows leave only through the retention job.
create table audit_log (
    id        bigserial primary key,
    at        timestamptz not null,
    actor     text not null,
    address   text,
    action    text not null,
    target    text,
    outcome   text not null,
    details   jsonb not null default '{}',
    prev_hash text not null,
    hash      text not null
);
create index audit_log_at on audit_log using brin (at);
create index audit_log_actor_at on audit_log (actor, at);

-- The one definition of an entry's hash, used when writing and when verifying. The time is hashed as
-- epoch microseconds and details as jsonb's canonical text, so neither depends on session settings.
create function audit_entry_hash(prev text, at timestamptz, actor text, address text, action text,
                                 target text, outcome text, details jsonb) returns text
    language sql immutable as $$
    select encode(sha256(convert_to(concat_ws(chr(31), prev,
        (extract(epoch from at) * 1000000)::bigint::text, actor, coalesce(address, ''), action,
        coalesce(target, ''), outcome, details::text), 'UTF8')), 'hex')
$$;

-- Updates are refused outright; deletes only inside a transaction that declares itself the retention job.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' and current_setting('parley.audit_prune', true) = 'on' then
        return old;
    end if;
    raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only();
