package dev.scriptorium.web;

import dev.scriptorium.access.Caller;
import dev.scriptorium.search.SearchQuery;
import dev.scriptorium.search.SearchResults;
import dev.scriptorium.search.TranscriptSearch;
import dev.scriptorium.transcription.TranscriptionJobs;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * GET /api/v1/search: the caller's transcripts that contain the words, best first, grouped by job. An admin searches
 * every job; an anonymous caller names its jobs with {@code ids}, as when listing them.
 */
final class SearchApi {
    private static final int MAX_PAGE = 50;
    private static final int MAX_OFFSET = 10_000;
    private final TranscriptSearch search;

    SearchApi(TranscriptSearch search) {
        this.search = search;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/search", this::search);
    }

    private void search(Context ctx) throws SQLException {
        SearchQuery query;
        try {
            query = SearchQuery.parse(ctx.queryParam("q"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_query", e.getMessage());
        }
        int limit = limit(ctx.queryParam("limit"));
        int offset = Optional.ofNullable(ctx.queryParam("cursor")).filter(raw -> !raw.isBlank())
                .map(SearchApi::decodeCursor).orElse(0);
        Caller caller = Access.caller(ctx);
        Optional<Set<UUID>> ids = JobsApi.ids(ctx.queryParam("ids"));
        if (ids.isEmpty() && caller.key().isEmpty() && !caller.admin()) {
            throw ApiError.badRequest("ids_required", "Anonymous callers search their own jobs by id: send"
                    + " ids=ID,ID,... (at most " + JobsApi.MAX_IDS + ") with the ids that POST /api/v1/jobs answered. With an"
                    + " API key, the search covers all of the key's jobs.");
        }
        TranscriptionJobs.Owner owner = caller.admin() ? TranscriptionJobs.Owner.ANYONE
                : TranscriptionJobs.Owner.of(caller.key());
        SearchResults results = ids.isPresent() && ids.get().isEmpty() ? new SearchResults(List.of(), false)
                : search.search(new TranscriptSearch.Scope(owner, ids), query, limit, offset);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("results", results.jobs().stream().map(SearchApi::view).toList());
        answer.put("next_cursor", results.more() ? encodeCursor(offset + limit) : null);
        ctx.json(answer);
    }

    private static Map<String, Object> view(SearchResults.JobHits job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("job_id", job.jobId());
        view.put("filename", job.filename());
        view.put("created_at", job.createdAt());
        view.put("duration_seconds", job.durationSeconds().orElse(null));
        view.put("score", job.score());
        view.put("hit_count", job.hitCount());
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("job", JobView.location(job.jobId()));
        links.put("page", "/jobs/" + job.jobId());
        links.put("media", job.mediaAvailable() ? JobView.location(job.jobId()) + "/media" : null);
        view.put("links", links);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (SearchResults.Hit hit : job.hits()) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("segment", hit.segment());
            shown.put("start", hit.start());
            shown.put("end", hit.end());
            shown.put("snippet", hit.snippet());
            shown.put("highlights", hit.highlights());
            hits.add(shown);
        }
        view.put("hits", hits);
        return view;
    }

    private static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return 10;
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_PAGE
                + ": how many jobs a page shows.");
    }

    /** Opaque to clients: how many jobs the earlier pages showed. */
    private static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("search:" + offset)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(String raw) {
        try {
            String mark = new String(Base64.getUrlDecoder().decode(raw.strip()), StandardCharsets.UTF_8);
            if (mark.startsWith("search:")) {
                int offset = Integer.parseInt(mark.substring("search:".length()));
                if (offset >= 0 && offset <= MAX_OFFSET) {
                    return offset;
                }
            }
        } catch (RuntimeException e) {
            // Answered below.
        }
        throw ApiError.badRequest("invalid_cursor", "cursor must be the next_cursor of a previous page, as it was"
                + " given.");
    }
}
