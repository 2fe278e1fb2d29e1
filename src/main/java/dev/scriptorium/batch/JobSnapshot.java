package dev.scriptorium.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.UUID;

/** What the command reads of a job's view ({@code GET /api/v1/jobs/{id}}), with the ETag it came with. */
record JobSnapshot(UUID id, String status, Optional<String> stage, double percent, Optional<Double> etaSeconds,
                   Optional<Double> durationSeconds, Optional<String> failureCode, Optional<String> failureReason,
                   String etag) {

    static JobSnapshot of(JsonNode view, String etag) {
        JsonNode progress = view.path("progress");
        return new JobSnapshot(UUID.fromString(view.path("id").asText()), view.path("status").asText(),
                text(view.path("stage")), progress.path("percent").asDouble(0), number(progress.path("eta_seconds")),
                number(view.path("media").path("duration_seconds")), text(view.path("failure_code")),
                text(view.path("failure_reason")), etag);
    }

    boolean finished() {
        return status.equals("completed") || status.equals("failed") || status.equals("canceled");
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<Double> number(JsonNode node) {
        return node.isNumber() ? Optional.of(node.asDouble()) : Optional.empty();
    }
}
