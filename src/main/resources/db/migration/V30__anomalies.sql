-- Anomalies found by the scheduled rules over the audit trail and the model attempts (issue 17). One row per
-- rule, subject (an address, an agent, a provider) and window: every instance runs the rules, the unique key
-- makes the first one to find it the only one to record (and count, and audit) it.
create table anomaly (
    id           bigserial primary key,
    rule         text not null,
    subject      text not null,
    detail       text not null,
    observed     double precision not null,
    threshold    double precision not null,
    window_start timestamptz not null,
    at           timestamptz not null default now(),
    unique (rule, subject, window_start)
);
create index anomaly_at on anomaly (at desc);
