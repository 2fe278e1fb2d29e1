-- A job's prompt (issue 15): Whisper's initial prompt, sent with every chunk.
alter table transcription_job
    add column prompt text check (prompt is null or length(prompt) <= 1000);
