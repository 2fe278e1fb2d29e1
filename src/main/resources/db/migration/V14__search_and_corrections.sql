-- Search inside transcripts and corrections that stick (issue 18).

-- The text search configuration of a job's language: its stemmer where PostgreSQL has one, 'simple' otherwise. A
-- translation is English whatever was spoken.
create function scriptorium_search_config(language varchar, task varchar) returns regconfig
    language sql stable as $$
    select coalesce((select c.oid::regconfig from pg_ts_config c
                     where c.cfgnamespace = 'pg_catalog'::regnamespace
                       and c.cfgname = case when task = 'TRANSLATE' then 'english' else
                           case lower(language)
                               when 'ar' then 'arabic' when 'hy' then 'armenian' when 'eu' then 'basque'
                               when 'ca' then 'catalan' when 'da' then 'danish' when 'nl' then 'dutch'
                               when 'en' then 'english' when 'fi' then 'finnish' when 'fr' then 'french'
                               when 'de' then 'german' when 'el' then 'greek' when 'hi' then 'hindi'
                               when 'hu' then 'hungarian' when 'id' then 'indonesian' when 'ga' then 'irish'
                               when 'it' then 'italian' when 'lt' then 'lithuanian' when 'ne' then 'nepali'
                               when 'no' then 'norwegian' when 'nn' then 'norwegian' when 'pt' then 'portuguese'
                               when 'ro' then 'romanian' when 'ru' then 'russian' when 'sr' then 'serbian'
                               when 'es' then 'spanish' when 'sv' then 'swedish' when 'ta' then 'tamil'
                               when 'tr' then 'turkish' when 'yi' then 'yiddish'
                           end end),
                    'simple'::regconfig)
$$;

-- Two vectors per segment: 'search' in the job's language (stems, for words and phrases), 'search_words' in 'simple'
-- (words as written, for the prefix of the word being typed, which a stemmer would cut differently).
alter table transcript_segment
    add column search_config regconfig,
    add column search        tsvector,
    add column search_words  tsvector;

-- Corrections: every edit of a segment is a new revision; the segment row keeps Whisper's own output.
create table segment_revision (
    job_id       uuid         not null,
    ordinal      integer      not null,
    revision     integer      not null check (revision >= 1),
    text         text         not null check (length(text) <= 5000),
    -- The edited words with the timings of the original words they match; null where they did not all match.
    words        jsonb,
    word_timings varchar(8)   not null check (word_timings in ('kept', 'edited')),
    edited_by    varchar(200) not null,
    edited_at    timestamptz  not null,
    primary key (job_id, ordinal, revision),
    -- Deleting a transcript (by a user, or by the retention policy) takes its revisions with it.
    foreign key (job_id, ordinal) references transcript_segment (job_id, ordinal) on delete cascade
);

-- The latest text of a segment: its newest revision, else Whisper's.
create function scriptorium_segment_text(segment transcript_segment) returns text
    language sql stable as $$
    select coalesce((select r.text from segment_revision r
                     where r.job_id = segment.job_id and r.ordinal = segment.ordinal
                     order by r.revision desc limit 1), segment.text)
$$;

create function scriptorium_index_segment() returns trigger
    language plpgsql as $$
begin
    select scriptorium_search_config(coalesce(j.pinned_language, j.language), j.task) into new.search_config
    from transcription_job j where j.id = new.job_id;
    new.search_config := coalesce(new.search_config, 'simple'::regconfig);
    new.search := to_tsvector(new.search_config, scriptorium_segment_text(new));
    new.search_words := to_tsvector('simple', scriptorium_segment_text(new));
    return new;
end
$$;

create trigger transcript_segment_index
    before insert or update of text on transcript_segment
    for each row execute function scriptorium_index_segment();

-- A revision is the segment's latest text from now on: search reads it.
create function scriptorium_index_revision() returns trigger
    language plpgsql as $$
begin
    update transcript_segment s
    set search = to_tsvector(s.search_config, new.text), search_words = to_tsvector('simple', new.text)
    where s.job_id = new.job_id and s.ordinal = new.ordinal;
    return new;
end
$$;

create trigger segment_revision_index
    after insert on segment_revision
    for each row execute function scriptorium_index_revision();

-- Segments stored before this migration.
update transcript_segment set text = text;

-- Without the pending list (fastupdate): a transcript's segments are written once, and a search then never scans a
-- list of unmerged entries, nor does the planner price the index as if it had to.
create index transcript_segment_search on transcript_segment using gin (search) with (fastupdate = off);
create index transcript_segment_search_words on transcript_segment using gin (search_words) with (fastupdate = off);

-- The words and phrases of a search in one language, each normalised by its dictionaries; empty where the language
-- ignores them all (stop words). Phrases come from the caller as plain text, never as query syntax.
create function scriptorium_terms(config regconfig, words text, phrases text[]) returns tsquery
    language plpgsql stable as $$
declare
    terms  tsquery := plainto_tsquery(config, words);
    phrase text;
begin
    foreach phrase in array phrases loop
        terms := terms && phraseto_tsquery(config, phrase);
    end loop;
    return terms;
end
$$;

-- Several languages' queries in one index condition: a segment matches its own language's query (checked per row),
-- and the index finds candidates by the union of them.
create aggregate scriptorium_any_tsquery(tsquery) (sfunc = tsquery_or, stype = tsquery);
