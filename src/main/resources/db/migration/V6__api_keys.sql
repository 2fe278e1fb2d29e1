-- API keys: only a SHA-256 of each key is kept. A job belongs to the key that created it (null: anonymous use).
create table api_key (
    id         uuid primary key,
    name       varchar(100) not null unique,
    key_hash   char(64)     not null unique,
    admin      boolean      not null default false,
    created_at timestamptz  not null,
    revoked_at timestamptz
);

alter table transcription_job
    add column owner_key uuid references api_key (id) on delete set null;

create index transcription_job_owner_created on transcription_job (owner_key, created_at desc, id desc);
