-- Webhooks and media by URL (issue 16). A key may carry a default webhook URL and has its own signing secret
-- (Standard Webhooks' whsec_ form; kept as it is, since signing needs it). A job may name its own URL.
alter table api_key
    add column webhook_url    varchar(2048),
    add column webhook_secret varchar(100);

alter table transcription_job
    add column webhook_url varchar(2048);

-- The outbox: a row is written in the transaction that ends the job, so that no event is lost between the job's
-- end and its delivery. Its id is the webhook-id every attempt sends, redeliveries included.
create table webhook_delivery (
    id              varchar(40)   primary key,
    job_id          uuid          not null references transcription_job (id) on delete cascade,
    event_type      varchar(40)   not null,
    url             varchar(2048) not null,
    owner_key       uuid,
    payload         text,
    status          varchar(20)   not null,
    attempts        integer       not null default 0,
    next_attempt_at timestamptz,
    created_at      timestamptz   not null,
    delivered_at    timestamptz
);

create index webhook_delivery_job on webhook_delivery (job_id, created_at);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'pending';

create table webhook_attempt (
    id          bigserial    primary key,
    delivery_id varchar(40)  not null references webhook_delivery (id) on delete cascade,
    attempt     integer      not null,
    manual      boolean      not null default false,
    started_at  timestamptz  not null,
    status_code integer,
    error       varchar(1000),
    latency_ms  bigint       not null
);

create index webhook_attempt_delivery on webhook_attempt (delivery_id, attempt);

-- Media by URL or S3 key: the ingest queue fetches it.
alter table transcription_job
    add column source_url varchar(4096);

-- Content-hash reuse: byte-identical media from the same key, with the same options, takes an earlier transcript.
-- reused_from has no foreign key: the earlier job may be deleted, and the copy stays whole.
alter table transcription_job
    add column media_sha256 char(64),
    add column reused_from  uuid,
    add column reuse        boolean not null default true;

create index transcription_job_owner_media on transcription_job (owner_key, media_sha256)
    where media_sha256 is not null and status = 'COMPLETED';
