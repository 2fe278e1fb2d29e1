-- Jobs, their transcripts and the transcript segments. Flyway owns this schema; Hibernate only validates it.
create table transcription_job (
    id                     uuid primary key,
    status                 varchar(16)  not null
        check (status in ('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED')),
    stage                  varchar(24)
        check (stage in ('INGESTING', 'EXTRACTING_AUDIO', 'TRANSCRIBING', 'STORING')),
    filename               varchar(255) not null,
    language               varchar(8),
    task                   varchar(16)  not null check (task in ('TRANSCRIBE', 'TRANSLATE')),
    media_key              varchar(128),
    media_container        varchar(64),
    media_audio_codec      varchar(64),
    media_duration_seconds double precision,
    media_size_bytes       bigint,
    processed_seconds      double precision not null default 0,
    failure_code           varchar(64),
    failure_reason         varchar(1000),
    attempts               integer      not null default 0,
    created_at             timestamptz  not null,
    started_at             timestamptz,
    completed_at           timestamptz,
    updated_at             timestamptz  not null,
    version                bigint       not null default 0,
    -- A stage belongs to processing jobs only.
    check ((status = 'PROCESSING') = (stage is not null))
);

create index transcription_job_status_created on transcription_job (status, created_at);

create table transcript (
    job_id     uuid primary key references transcription_job (id) on delete cascade,
    text       text         not null,
    model      varchar(255) not null,
    created_at timestamptz  not null
);

create table transcript_segment (
    job_id        uuid             not null references transcript (job_id) on delete cascade,
    ordinal       integer          not null,
    start_seconds double precision not null,
    end_seconds   double precision not null,
    text          text             not null,
    primary key (job_id, ordinal),
    check (end_seconds >= start_seconds)
);
