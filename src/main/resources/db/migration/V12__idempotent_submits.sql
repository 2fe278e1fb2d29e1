-- Submits that are safe to retry (issue 16): one job per caller and Idempotency-Key, held by the primary key.
create table idempotent_submit (
    owner           varchar(200) not null,
    idempotency_key varchar(255) not null,
    request_sha256  char(64)     not null,
    job_id          uuid         not null references transcription_job (id) on delete cascade,
    created_at      timestamptz  not null,
    primary key (owner, idempotency_key)
);
