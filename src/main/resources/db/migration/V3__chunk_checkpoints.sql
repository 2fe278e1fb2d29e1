-- Finished chunks of a running transcription, so that a crash or restart resumes from the last finished chunk.
-- Rows go when the transcript is stored.
create table transcript_chunk (
    job_id       uuid    not null references transcription_job (id) on delete cascade,
    start_sample bigint  not null,
    end_sample   bigint  not null,
    segments     text    not null,
    primary key (job_id, start_sample, end_sample)
);
