-- Whisper's whole output (issue 13): words and confidence per segment, the language a job ran in.
alter table transcription_job
    add column word_timestamps      boolean not null default true,
    add column pinned_language      varchar(8),
    add column language_source      varchar(16) check (language_source in ('requested', 'detected', 'model')),
    add column language_probability double precision
        check (language_probability is null or (language_probability > 0 and language_probability <= 1)),
    add column language_candidates  jsonb;

-- Words as a JSON array of {text, start, end, probability}; null for transcripts stored before words existed.
alter table transcript_segment
    add column words             jsonb,
    add column avg_logprob       double precision,
    add column compression_ratio double precision,
    add column confidence        double precision;
