-- Every move of a job between statuses and stages, written in the same transaction as the move: the admin view's
-- timeline of a job, with how long each stage took.
create table job_stage_event (
    id      bigint generated always as identity primary key,
    job_id  uuid        not null references transcription_job (id) on delete cascade,
    status  varchar(16) not null,
    stage   varchar(24),
    at      timestamptz not null
);

create index job_stage_event_job on job_stage_event (job_id, id);

-- The last lines the sandboxed child printed during the attempt, for the admin view.
alter table job_attempt add column child_log varchar(4000);
