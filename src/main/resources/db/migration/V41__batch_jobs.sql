-- Issue 19: batch jobs. Items are claimed with FOR UPDATE SKIP LOCKED under a lease, so several
-- instances share the work, a restart resumes where it stopped, and an item is finished once:
-- only its current claimer may mark it done (see integration.batch.BatchStore).
create table batch_job (
    id          uuid primary key,
    key_id      bigint references integration_key (id),
    mode        text        not null check (mode in ('classify', 'answer')),
    status      text        not null check (status in ('running', 'done', 'cancelled')),
    total       int         not null,
    done        int         not null default 0,
    failed      int         not null default 0,
    created_at  timestamptz not null default now(),
    finished_at timestamptz
);

create table batch_item (
    job_id          uuid        not null references batch_job (id) on delete cascade,
    line            int         not null,
    item_id         text        not null,
    text            text        not null,
    locale          text,
    conversation_id uuid,
    state           text        not null default 'pending' check (state in ('pending', 'running', 'done', 'failed')),
    claimed_by      text,
    claimed_until   timestamptz,
    result          text,
    finished_at     timestamptz,
    primary key (job_id, line)
);

create index batch_item_open on batch_item (job_id, line) where state in ('pending', 'running');
