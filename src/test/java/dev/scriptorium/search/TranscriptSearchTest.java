package dev.scriptorium.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.app.Json;
import dev.scriptorium.correction.Corrections;
import dev.scriptorium.database.Database;
import dev.scriptorium.testing.StoredTranscripts;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.transcription.TranscriptionJobs.Owner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Search over stored transcripts on the real PostgreSQL: ranking, phrases, prefixes, languages, whose transcripts a
 * caller sees, query syntax in what people type, edits, and the indexes. Each test makes jobs of its own key, so
 * that tests never see each other's transcripts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscriptSearchTest {
    private TestDatabase testDatabase;
    private Database database;
    private TranscriptSearch search;

    @BeforeAll
    void migrate() throws Exception {
        testDatabase = TestDatabase.create();
        database = Database.open(testDatabase.jdbcUrl(), testDatabase.user(), null, 2);
        search = new TranscriptSearch(database.dataSource());
    }

    @AfterAll
    void drop() throws Exception {
        if (database != null) {
            database.close();
        }
        testDatabase.close();
    }

    private UUID newKey() throws SQLException {
        UUID key = UUID.randomUUID();
        testDatabase.execute("insert into api_key (id, name, key_hash, created_at) values (?, ?, ?, now())", key,
                "key-" + key, key.toString().replace("-", "") + key.toString().replace("-", ""));
        return key;
    }

    private UUID transcript(UUID owner, String language, String... segments) throws SQLException {
        try (Connection connection = testDatabase.connect()) {
            return StoredTranscripts.completed(connection, Optional.ofNullable(owner), language, "talk.mp4",
                    segments);
        }
    }

    private SearchResults find(UUID owner, String query) throws SQLException {
        return search.search(new TranscriptSearch.Scope(Owner.of(Optional.of(owner)), Optional.empty()),
                SearchQuery.parse(query), 10, 0);
    }

    private static List<UUID> jobs(SearchResults results) {
        return results.jobs().stream().map(SearchResults.JobHits::jobId).toList();
    }

    @Test
    void aTranscriptWithTheWordThreeTimesRanksAboveOneWithItOnce() throws Exception {
        UUID owner = newKey();
        UUID once = transcript(owner, "en", "the budget is tight", "we met on Monday", "nothing else");
        UUID thrice = transcript(owner, "en", "the budget again", "budget meetings all week", "a budget of ours");

        SearchResults results = find(owner, "budget");

        assertThat(jobs(results)).containsExactly(thrice, once);
        assertThat(results.jobs().get(0).hitCount()).isEqualTo(3);
        assertThat(results.jobs().get(0).score()).isGreaterThan(results.jobs().get(1).score());
    }

    @Test
    void aPhraseInQuotesMatchesItsWordsOnlyInThatOrder() throws Exception {
        UUID owner = newKey();
        UUID inOrder = transcript(owner, "en", "our quarterly forecast is ready");
        UUID apart = transcript(owner, "en", "the forecast for the quarterly report");

        assertThat(jobs(find(owner, "\"quarterly forecast\""))).containsExactly(inOrder);
        assertThat(jobs(find(owner, "quarterly forecast"))).containsExactlyInAnyOrder(inOrder, apart);
    }

    @Test
    void theLastWordMatchesAsAPrefixWhileItIsTyped() throws Exception {
        UUID owner = newKey();
        UUID job = transcript(owner, "en", "the quarterly numbers arrived");

        assertThat(jobs(find(owner, "quarterl"))).containsExactly(job);
        assertThat(jobs(find(owner, "numbers arri"))).containsExactly(job);
        assertThat(jobs(find(owner, "arri numbers"))).isEmpty();
    }

    @Test
    void wordsMatchTheirOtherFormsInTheJobsLanguageAndAsWrittenWhereItHasNoStemmer() throws Exception {
        UUID owner = newKey();
        UUID english = transcript(owner, "en", "three forecasts were wrong");
        UUID japanese = transcript(owner, "ja", "three forecasts were wrong");

        // Quoted, so that no prefix applies: only the English stemmer makes "forecast" of "forecasts".
        assertThat(jobs(find(owner, "\"forecast\""))).containsExactly(english);
        assertThat(jobs(find(owner, "\"forecasts\""))).containsExactlyInAnyOrder(english, japanese);
    }

    @Test
    void anotherCallersTranscriptsNeverAppear() throws Exception {
        UUID mine = newKey();
        UUID theirs = newKey();
        UUID myJob = transcript(mine, "en", "the zeppelin landed");
        UUID theirJob = transcript(theirs, "en", "the zeppelin took off");
        UUID anonymousJob = transcript(null, "en", "a zeppelin overhead");

        assertThat(jobs(find(mine, "zeppelin"))).containsExactly(myJob);
        SearchResults anonymous = search.search(new TranscriptSearch.Scope(Owner.of(Optional.empty()),
                Optional.of(Set.of(myJob, anonymousJob))), SearchQuery.parse("zeppelin"), 10, 0);
        assertThat(jobs(anonymous)).containsExactly(anonymousJob);
        SearchResults admin = search.search(new TranscriptSearch.Scope(Owner.ANYONE, Optional.empty()),
                SearchQuery.parse("zeppelin"), 10, 0);
        assertThat(jobs(admin)).contains(myJob, theirJob, anonymousJob);
    }

    @Test
    void signsOfQuerySyntaxInWhatPeopleTypeAreOnlyText() throws Exception {
        UUID owner = newKey();
        UUID job = transcript(owner, "en", "growth was 100 percent", "said O'Brien of rock & roll",
                "a forecast: sunny");

        assertThat(jobs(find(owner, "100%"))).containsExactly(job);
        assertThat(jobs(find(owner, "O'Brien"))).containsExactly(job);
        assertThat(jobs(find(owner, "rock & roll"))).containsExactly(job);
        assertThat(jobs(find(owner, "forecast:*"))).containsExactly(job);
        assertThat(jobs(find(owner, "growth | ! ( percent"))).containsExactly(job);
        assertThat(jobs(find(owner, "'; drop table transcript_segment; --"))).isEmpty();
        for (String nothing : List.of("", "   ", "%", "&", ":*", "'", "\"\"", "!()|")) {
            assertThatThrownBy(() -> SearchQuery.parse(nothing), nothing)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q ");
        }
    }

    @Test
    void onlyWordsTheLanguageIgnoresFindNothing() throws Exception {
        UUID owner = newKey();
        transcript(owner, "en", "the and of");

        assertThat(jobs(find(owner, "\"the of\""))).isEmpty();
    }

    @Test
    void aHitShowsTheSegmentWithItsMatchesMarked() throws Exception {
        UUID owner = newKey();
        transcript(owner, "en", "nothing here", "the harbour <b>lights</b> were on");

        SearchResults.Hit hit = find(owner, "lights").jobs().get(0).hits().get(0);

        assertThat(hit.segment()).isEqualTo(1);
        assertThat(hit.start()).isEqualTo(3.0);
        assertThat(hit.snippet()).contains("<b>lights</b>");
        assertThat(hit.highlights()).hasSize(1);
        int[] mark = hit.highlights().get(0);
        assertThat(hit.snippet().substring(mark[0], mark[1])).isEqualTo("lights");
    }

    @Test
    void anEditedSegmentIsFoundByItsNewTextAndNoLongerByTheOldOne() throws Exception {
        UUID owner = newKey();
        UUID job = transcript(owner, "en", "thanks to Mister Smith", "goodbye");
        Corrections corrections = new Corrections(database.dataSource(), Json.create());

        corrections.revise(job, 0, "thanks to Ms Okonkwo", "editor", Instant.now());

        assertThat(jobs(find(owner, "Okonkwo"))).containsExactly(job);
        assertThat(jobs(find(owner, "\"Smith\""))).isEmpty();
    }

    @Test
    void aSearchOverTenThousandSegmentsUsesTheTextIndexes() throws Exception {
        // Segments of twenty words or so, as Whisper makes them: on a table of tiny rows a scan would be cheaper.
        UUID owner = newKey();
        UUID job = transcript(owner, "en", "the start");
        try (Connection connection = testDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("insert into transcript_segment (job_id, ordinal, start_seconds, end_seconds, text)"
                    + " select '" + job + "', n, n * 3, n * 3 + 3, 'segment ' || n || ' of words about the '"
                    + " || (array['budgets', 'meetings', 'people', 'reports', 'weather'])[1 + n % 5]"
                    + " || ' and what we said to each other when the quarter ended with its numbers'"
                    + " from generate_series(1, 10000) n");
            statement.execute("update transcript_segment set text = text || ' zeppelin'"
                    + " where job_id = '" + job + "' and ordinal = 5000");
            statement.execute("analyze transcript_segment");
        }
        TranscriptSearch.Scope scope = new TranscriptSearch.Scope(Owner.of(Optional.of(owner)), Optional.empty());

        String plan = search.plan(scope, SearchQuery.parse("\"zeppelin\""), 10);
        String prefixPlan = search.plan(scope, SearchQuery.parse("zeppel"), 10);

        assertThat(plan).contains("Bitmap Index Scan on transcript_segment_search").doesNotContain("Seq Scan on"
                + " transcript_segment");
        assertThat(prefixPlan).contains("Bitmap Index Scan on transcript_segment_search_words")
                .doesNotContain("Seq Scan on transcript_segment");
        assertThat(find(owner, "zeppel").jobs().get(0).hits()).extracting(SearchResults.Hit::segment)
                .containsExactly(5000);
    }
}
