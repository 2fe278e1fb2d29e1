package dev.scriptorium.search;

import dev.scriptorium.transcription.TranscriptionJobs.Owner;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Full-text search over the latest text of transcript segments, in PostgreSQL. Each segment is indexed in its job's
 * language (V14 migration); a query is built once per language among the caller's jobs, each segment is held to its
 * own language's query, and the GIN indexes find the candidates by the union of them. Thread-safe.
 */
public final class TranscriptSearch {
    /** The best segments shown per job; the rest are counted. */
    static final int HITS_PER_JOB = 3;
    private final DataSource dataSource;

    public TranscriptSearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Whose jobs a search covers.
     *
     * @param ids only these jobs (anonymous callers name theirs); empty for all of the owner's jobs
     */
    public record Scope(Owner owner, Optional<Set<UUID>> ids) {
    }

    /** The queries of each language among the scope's jobs, as PostgreSQL prints them. */
    private record Languages(List<String> configs, List<String> terms, List<String> last) {
        boolean allHaveTerms() {
            return terms.stream().noneMatch(String::isEmpty);
        }

        String anyTerms() {
            return union(terms);
        }

        String anyLast() {
            return union(last);
        }

        private static String union(List<String> queries) {
            return String.join(" | ", queries.stream().filter(query -> !query.isEmpty())
                    .map(query -> "(" + query + ")").toList());
        }
    }

    /** @param offset how many jobs earlier pages showed */
    public SearchResults search(Scope scope, SearchQuery query, int limit, int offset) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Languages languages = languages(connection, scope, query);
            Optional<Statement> statement = statement(scope, query, languages, limit, offset);
            if (statement.isEmpty()) {
                return new SearchResults(List.of(), false);
            }
            try (PreparedStatement select = statement.get().prepare(connection);
                 ResultSet rows = select.executeQuery()) {
                return results(rows, limit);
            }
        }
    }

    /** PostgreSQL's plan for a search, for tests that check the indexes are used. */
    String plan(Scope scope, SearchQuery query, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Statement statement = statement(scope, query, languages(connection, scope, query), limit, 0)
                    .orElseThrow(() -> new IllegalArgumentException("nothing to search for"));
            Statement explain = new Statement("explain " + statement.sql(), statement.parameters());
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement select = explain.prepare(connection); ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private Languages languages(Connection connection, Scope scope, SearchQuery query) throws SQLException {
        Statement statement = new Statement("select c.config::text, scriptorium_terms(c.config, ?, ?)::text,"
                + " plainto_tsquery(c.config, ?)::text from (select distinct scriptorium_search_config("
                + "coalesce(j.pinned_language, j.language), j.task) as config from transcription_job j where"
                + " j.status = 'COMPLETED'" + scopeFilter(scope) + ") c",
                withScope(List.of(String.join(" ", query.words()), query.phrases().toArray(String[]::new),
                        query.last().orElse("")), scope));
        List<String> configs = new ArrayList<>();
        List<String> terms = new ArrayList<>();
        List<String> last = new ArrayList<>();
        try (PreparedStatement select = statement.prepare(connection); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                configs.add(rows.getString(1));
                terms.add(rows.getString(2));
                last.add(rows.getString(3));
            }
        }
        return new Languages(configs, terms, last);
    }

    /**
     * The search, or none where the query cannot match anything (no jobs, or only words every language ignores).
     * Index conditions come first and are supersets; the per-language conditions after them decide.
     */
    private static Optional<Statement> statement(Scope scope, SearchQuery query, Languages languages, int limit,
                                                 int offset) {
        boolean hasTerms = !query.words().isEmpty() || !query.phrases().isEmpty();
        boolean hasLast = query.last().isPresent();
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder(" where true");
        if (hasTerms && languages.allHaveTerms()) {
            where.append(" and s.search @@ ?::tsquery");
            parameters.add(languages.anyTerms());
        }
        if (hasLast) {
            where.append(languages.anyLast().isEmpty() ? " and s.search_words @@ ?::tsquery"
                    : " and (s.search_words @@ ?::tsquery or s.search @@ ?::tsquery)");
            parameters.add(query.prefixQuery());
            if (!languages.anyLast().isEmpty()) {
                parameters.add(languages.anyLast());
            }
        }
        if (parameters.isEmpty() || languages.configs().isEmpty()) {
            return Optional.empty();
        }
        where.append(" and (numnode(q.terms) = 0 or s.search @@ q.terms)");
        if (hasLast) {
            where.append(" and (s.search_words @@ ?::tsquery or (numnode(q.last) > 0 and s.search @@ q.last))");
            parameters.add(query.prefixQuery());
        }
        // Materialized: otherwise PostgreSQL inlines the casts and parses each query again for every segment.
        String sql = "with queries as materialized (select q.config::regconfig as config, q.terms::tsquery as terms,"
                + " q.last::tsquery as last, q.terms::tsquery && q.last::tsquery as query"
                + " from unnest(?::text[], ?::text[], ?::text[]) as q(config, terms, last)),"
                + " hits as (select s.job_id, s.ordinal, s.start_seconds, s.end_seconds, s.search_config,"
                + " ts_rank(s.search, q.query) + ts_rank(s.search_words, ?::tsquery) as rank"
                + " from transcript_segment s join queries q on q.config = s.search_config"
                + " join transcription_job j on j.id = s.job_id"
                + where + scopeFilter(scope) + "),"
                + " ranked as (select job_id, sum(rank) as score, count(*) as hit_count from hits group by job_id"
                + " order by score desc, job_id limit ? offset ?),"
                + " best as (select h.*, row_number() over (partition by h.job_id order by h.rank desc, h.ordinal)"
                + " as place from hits h join ranked r using (job_id))"
                + " select r.job_id, j.filename, j.created_at, j.media_duration_seconds,"
                + " (j.media_key is not null and j.media_deleted_at is null) as media, r.score, r.hit_count,"
                + " b.ordinal, b.start_seconds, b.end_seconds, b.rank,"
                + " ts_headline(b.search_config, translate(scriptorium_segment_text(s), '<>' || chr(57344)"
                + " || chr(57345), chr(57346) || chr(57347)), q.query || ?::tsquery, ?) as snippet"
                + " from ranked r join transcription_job j on j.id = r.job_id"
                + " join best b on b.job_id = r.job_id and b.place <= " + HITS_PER_JOB
                + " join transcript_segment s on s.job_id = b.job_id and s.ordinal = b.ordinal"
                + " join queries q on q.config = b.search_config"
                + " order by r.score desc, r.job_id, b.place";
        List<Object> all = new ArrayList<>();
        all.add(languages.configs().toArray(String[]::new));
        all.add(languages.terms().toArray(String[]::new));
        all.add(languages.last().toArray(String[]::new));
        all.add(query.prefixQuery());
        all.addAll(parameters);
        all = withScope(all, scope);
        all.add(limit + 1);
        all.add(offset);
        all.add(query.prefixQuery());
        all.add(Snippet.headlineOptions());
        return Optional.of(new Statement(sql, all));
    }

    private static String scopeFilter(Scope scope) {
        StringBuilder filter = new StringBuilder();
        if (!scope.owner().anyone()) {
            filter.append(scope.owner().key().isPresent() ? " and j.owner_key = ?" : " and j.owner_key is null");
        }
        scope.ids().ifPresent(ids -> filter.append(" and j.id = any(?)"));
        return filter.toString();
    }

    private static List<Object> withScope(List<Object> parameters, Scope scope) {
        List<Object> all = new ArrayList<>(parameters);
        if (!scope.owner().anyone()) {
            scope.owner().key().ifPresent(all::add);
        }
        scope.ids().ifPresent(ids -> all.add(ids.toArray(UUID[]::new)));
        return all;
    }

    private static SearchResults results(ResultSet rows, int limit) throws SQLException {
        Map<UUID, SearchResults.JobHits> jobs = new LinkedHashMap<>();
        while (rows.next()) {
            UUID id = rows.getObject("job_id", UUID.class);
            SearchResults.JobHits job = jobs.get(id);
            if (job == null) {
                job = jobHits(rows);
                jobs.put(id, job);
            }
            Snippet snippet = Snippet.parse(rows.getString("snippet"));
            job.hits().add(new SearchResults.Hit(rows.getInt("ordinal"), rows.getDouble("start_seconds"),
                    rows.getDouble("end_seconds"), rows.getDouble("rank"), snippet.text(), snippet.highlights()));
        }
        List<SearchResults.JobHits> page = new ArrayList<>(jobs.values());
        boolean more = page.size() > limit;
        return new SearchResults(more ? page.subList(0, limit) : page, more);
    }

    private static SearchResults.JobHits jobHits(ResultSet rows) throws SQLException {
        double duration = rows.getDouble("media_duration_seconds");
        Optional<Double> known = rows.wasNull() ? Optional.empty() : Optional.of(duration);
        return new SearchResults.JobHits(rows.getObject("job_id", UUID.class), rows.getString("filename"),
                rows.getTimestamp("created_at").toInstant(), known, rows.getBoolean("media"),
                rows.getDouble("score"), rows.getInt("hit_count"), new ArrayList<>());
    }

    /** SQL with its parameters in order; arrays become PostgreSQL arrays. */
    private record Statement(String sql, List<Object> parameters) {
        PreparedStatement prepare(Connection connection) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                for (int i = 0; i < parameters.size(); i++) {
                    Object value = parameters.get(i);
                    if (value instanceof String[] strings) {
                        Array array = connection.createArrayOf("text", strings);
                        statement.setArray(i + 1, array);
                    } else if (value instanceof UUID[] ids) {
                        statement.setArray(i + 1, connection.createArrayOf("uuid", ids));
                    } else {
                        statement.setObject(i + 1, value);
                    }
                }
                return statement;
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        }
    }
}
