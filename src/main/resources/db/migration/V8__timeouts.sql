-- A job whose child hung or ran past its time limit is retried once on a fresh child before it fails with timeout.
alter table transcription_job
    add column timeouts integer not null default 0;
