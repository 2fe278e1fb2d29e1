-- Crash containment, time limits, cancel and real progress for sandboxed transcription workers.
alter table transcription_job
    add column crashes     integer not null default 0,
    -- Set when a file crashed the worker more often than CRASH_RETRIES allows: never retried automatically again.
    add column quarantined boolean not null default false,
    add column eta_seconds double precision;

-- One row per transcription attempt, so that every crash or timeout stays visible after a retry succeeds.
create table job_attempt (
    id           bigint generated always as identity primary key,
    job_id       uuid        not null references transcription_job (id) on delete cascade,
    attempt      integer     not null,
    started_at   timestamptz not null,
    ended_at     timestamptz not null,
    outcome      varchar(32) not null,
    failure_code varchar(64),
    detail       varchar(1000)
);

create index job_attempt_job on job_attempt (job_id, attempt);
