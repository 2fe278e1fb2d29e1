import dev.scriptorium.app.Json;
import dev.scriptorium.correction.Corrections;
import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.EmbeddedDatabase;
import dev.scriptorium.search.SearchQuery;
import dev.scriptorium.search.SearchResults;
import dev.scriptorium.search.TranscriptSearch;
import dev.scriptorium.transcription.TranscriptionJobs.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Search benchmark. Run with bench/search.sh. Fills an embedded PostgreSQL with BENCH_SEGMENTS (100,000) transcript
 * segments of about 20 words each, in BENCH_SEGMENTS / 100 jobs of one API key, English and German, through the
 * real schema (the triggers index each segment as it is written). Words are drawn from a 5,000-word vocabulary with
 * Zipf-like frequencies, so that some words are in most transcripts and most are rare. Another key owns as many
 * segments again, which every search must skip. Then runs each kind of query BENCH_QUERIES (200) times, with words
 * drawn anew each time, through TranscriptSearch (what GET /api/v1/search runs, without HTTP), and prints p50, p99 and
 * the mean hits per answer for each kind, then for all kinds together.
 */
public class SearchBenchmark {
    static final int SEGMENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SEGMENTS", "100000"));
    static final int QUERIES = Integer.parseInt(System.getenv().getOrDefault("BENCH_QUERIES", "200"));
    static final int VOCABULARY = 5000;
    static final Random random = new Random(18);

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-search-bench");
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(work.resolve("postgres"));
             Database database = Database.open(postgres.jdbcUrl(), postgres.user(), null, 4)) {
            String[] words = vocabulary();
            UUID owner = key(database, "bench-owner");
            UUID other = key(database, "bench-other");
            long started = System.nanoTime();
            fill(database, owner, words, SEGMENTS);
            double fillSeconds = (System.nanoTime() - started) / 1e9;
            fill(database, other, words, SEGMENTS);
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("vacuum analyze transcript_segment");
                statement.execute("vacuum analyze transcription_job");
            }
            System.out.printf(Locale.ROOT, "setup: %,d segments of the searching key in %,d jobs (and as many of"
                    + " another key) in %.1f s, %.0f segments/s indexed on write%n", SEGMENTS, SEGMENTS / 100,
                    fillSeconds, SEGMENTS / fillSeconds);
            // One edit in every hundredth job: searches read the latest text of edited segments.
            edit(database, owner);

            TranscriptSearch search = new TranscriptSearch(database.dataSource());
            TranscriptSearch.Scope scope = new TranscriptSearch.Scope(Owner.of(Optional.of(owner)),
                    Optional.empty());
            Map<String, java.util.function.Supplier<String>> kinds = new LinkedHashMap<>();
            kinds.put("common word", () -> words[random.nextInt(20)]);
            kinds.put("rare word", () -> "\"" + words[1000 + random.nextInt(VOCABULARY - 1000)] + "\"");
            kinds.put("two words", () -> words[random.nextInt(200)] + " " + words[random.nextInt(200)]);
            kinds.put("phrase", () -> "\"" + words[random.nextInt(100)] + " " + words[random.nextInt(100)] + "\"");
            kinds.put("prefix", () -> words[50 + random.nextInt(950)].substring(0, 4));
            for (int warm = 0; warm < 20; warm++) {
                for (var kind : kinds.values()) {
                    search.search(scope, SearchQuery.parse(kind.get()), 10, 0);
                }
            }
            List<Double> all = new ArrayList<>();
            System.out.printf(Locale.ROOT, "%-12s %9s %9s %9s %12s%n", "query", "p50 ms", "p99 ms", "max ms",
                    "jobs found");
            for (var kind : kinds.entrySet()) {
                double[] millis = new double[QUERIES];
                long found = 0;
                for (int i = 0; i < QUERIES; i++) {
                    SearchQuery query = SearchQuery.parse(kind.getValue().get());
                    long start = System.nanoTime();
                    SearchResults results = search.search(scope, query, 10, 0);
                    millis[i] = (System.nanoTime() - start) / 1e6;
                    found += results.jobs().size();
                    all.add(millis[i]);
                }
                Arrays.sort(millis);
                System.out.printf(Locale.ROOT, "%-12s %9.1f %9.1f %9.1f %12.1f%n", kind.getKey(),
                        percentile(millis, 50), percentile(millis, 99), millis[millis.length - 1],
                        found / (double) QUERIES);
            }
            double[] every = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-12s %9.1f %9.1f %9.1f%n", "all", percentile(every, 50),
                    percentile(every, 99), every[every.length - 1]);
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement();
                 var sizes = statement.executeQuery("select pg_size_pretty(pg_relation_size("
                         + "'transcript_segment_search')), pg_size_pretty(pg_relation_size("
                         + "'transcript_segment_search_words')), pg_size_pretty(pg_total_relation_size("
                         + "'transcript_segment'))")) {
                sizes.next();
                System.out.printf(Locale.ROOT, "indexes: search %s, search_words %s; transcript_segment with"
                        + " indexes %s (both keys' segments)%n", sizes.getString(1), sizes.getString(2),
                        sizes.getString(3));
            }
        }
    }

    static double percentile(double[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    /** Made-up words of four to nine letters: pronounceable, and none of them a stop word. */
    static String[] vocabulary() {
        String consonants = "bcdfghklmnprstvz";
        String vowels = "aeiou";
        String[] words = new String[VOCABULARY];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < VOCABULARY; i++) {
            String word;
            do {
                StringBuilder built = new StringBuilder();
                int syllables = 2 + random.nextInt(3);
                for (int s = 0; s < syllables; s++) {
                    built.append(consonants.charAt(random.nextInt(consonants.length())))
                            .append(vowels.charAt(random.nextInt(vowels.length())));
                }
                word = built.toString();
            } while (!seen.add(word));
            words[i] = word;
        }
        return words;
    }

    /** A word with Zipf-like frequency: the i-th word about 1/(i+1) as often as the first. */
    static String zipf(String[] words) {
        double u = random.nextDouble();
        return words[(int) Math.min(words.length - 1, Math.floor(Math.exp(u * Math.log(words.length + 1)) - 1))];
    }

    static UUID key(Database database, String name) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into api_key (id, name, key_hash,"
                     + " created_at) values (?, ?, ?, now())")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, (id.toString() + id).replace("-", "").substring(0, 64));
            insert.executeUpdate();
        }
        return id;
    }

    static void fill(Database database, UUID owner, String[] words, int segments) throws Exception {
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement job = connection.prepareStatement("insert into transcription_job (id, status,"
                    + " filename, language, task, created_at, completed_at, updated_at, owner_key, media_key)"
                    + " values (?, 'COMPLETED', ?, ?, 'TRANSCRIBE', ?, ?, ?, ?, ?)");
                 PreparedStatement transcript = connection.prepareStatement("insert into transcript (job_id, text,"
                         + " model, created_at) values (?, '', 'bench', ?)");
                 PreparedStatement segment = connection.prepareStatement("insert into transcript_segment (job_id,"
                         + " ordinal, start_seconds, end_seconds, text) values (?, ?, ?, ?, ?)")) {
                for (int j = 0; j < segments / 100; j++) {
                    UUID id = UUID.randomUUID();
                    job.setObject(1, id);
                    job.setString(2, "talk-" + j + ".mp4");
                    job.setString(3, j % 4 == 0 ? "de" : "en");
                    job.setTimestamp(4, now);
                    job.setTimestamp(5, now);
                    job.setTimestamp(6, now);
                    job.setObject(7, owner);
                    job.setString(8, "media/" + id);
                    job.executeUpdate();
                    transcript.setObject(1, id);
                    transcript.setTimestamp(2, now);
                    transcript.executeUpdate();
                    for (int s = 0; s < 100; s++) {
                        StringBuilder text = new StringBuilder();
                        int length = 15 + random.nextInt(11);
                        for (int w = 0; w < length; w++) {
                            text.append(' ').append(zipf(words));
                        }
                        segment.setObject(1, id);
                        segment.setInt(2, s);
                        segment.setDouble(3, s * 4.0);
                        segment.setDouble(4, s * 4.0 + 4.0);
                        segment.setString(5, text.toString());
                        segment.addBatch();
                    }
                    segment.executeBatch();
                    if (j % 50 == 49) {
                        connection.commit();
                    }
                }
            }
            connection.commit();
        }
    }

    static void edit(Database database, UUID owner) throws Exception {
        Corrections corrections = new Corrections(database.dataSource(), Json.create());
        List<UUID> jobs = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("select id from transcription_job where"
                     + " owner_key = ? order by id")) {
            select.setObject(1, owner);
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    jobs.add(rows.getObject(1, UUID.class));
                }
            }
        }
        for (int i = 0; i < jobs.size(); i += 100) {
            corrections.revise(jobs.get(i), 0, "a corrected segment", "bench", Instant.now());
        }
    }
}
