-- Retention: a per-job override, an admin's legal hold, and when the original media went.
alter table transcription_job
    -- Seconds after the job ends when its media and transcript are deleted; overrides the retention policy.
    add column delete_after_seconds bigint check (delete_after_seconds >= 0),
    -- Set by an admin: the job, its media and its transcript are kept whatever the policy says.
    add column legal_hold boolean not null default false,
    add column media_deleted_at timestamptz;

-- Ended jobs in the order cleanup walks them.
create index transcription_job_ended on transcription_job (completed_at, id)
    where status in ('COMPLETED', 'FAILED', 'CANCELED');

-- One row per cleanup run: what it deleted (or, for a dry run, would have), and how long it took.
create table cleanup_run (
    id              bigint generated always as identity primary key,
    started_at      timestamptz not null,
    ended_at        timestamptz not null,
    dry_run         boolean     not null,
    outcome         varchar(32) not null,
    jobs_deleted    integer     not null,
    media_deleted   integer     not null,
    orphans_deleted integer     not null,
    files_deleted   integer     not null,
    bytes_freed     bigint      not null
);
