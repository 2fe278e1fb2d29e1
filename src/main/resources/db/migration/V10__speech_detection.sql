-- Speech detection (issue 14): Whisper hears only the regions Silero VAD finds.
alter table transcription_job
    add column vad              boolean not null default true,
    add column speech_detection varchar(16) check (speech_detection in ('applied', 'off', 'unavailable')),
    add column speech_seconds   double precision check (speech_seconds is null or speech_seconds >= 0),
    add column speech_plan      varchar(64),
    add column note             text;

-- 1 minus the mean speech probability over the segment's span; null where speech detection did not run.
alter table transcript_segment
    add column no_speech_prob double precision check (no_speech_prob is null or (no_speech_prob >= 0 and no_speech_prob <= 1));

-- A stage between extracting the audio and transcribing it.
alter table transcription_job drop constraint transcription_job_stage_check;
alter table transcription_job add constraint transcription_job_stage_check
    check (stage in ('INGESTING', 'EXTRACTING_AUDIO', 'DETECTING_SPEECH', 'TRANSCRIBING', 'STORING'));
