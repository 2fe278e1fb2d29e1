-- Who is transcribing which chunk of a running job right now, so that the job's own worker and helpers on other
-- slots or machines never do the same chunk twice. A claim is a lease: a holder that dies stops renewing it, and
-- once it lapses anyone may take the chunk.
create table transcript_chunk_claim (
    job_id       uuid        not null references transcription_job (id) on delete cascade,
    start_sample bigint      not null,
    end_sample   bigint      not null,
    holder       text        not null,
    lease_until  timestamptz not null,
    primary key (job_id, start_sample, end_sample)
);
