package dev.scriptorium.transcription;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** How one transcription attempt at a job ended. */
@Entity
@Table(name = "job_attempt")
public class JobAttempt {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "job_id", nullable = false)
    private UUID jobId;
    @Column(nullable = false)
    private int attempt;
    @Column(name = "started_at", nullable = false)
    private Instant startedAt;
    @Column(name = "ended_at", nullable = false)
    private Instant endedAt;
    @Column(nullable = false)
    private String outcome;
    @Column(name = "failure_code")
    private String failureCode;
    private String detail;
    @Column(name = "child_log")
    private String childLog;

    protected JobAttempt() {
    }

    /** Keeps the end of the child's output (the last 4000 characters at most). */
    public JobAttempt withChildLog(java.util.List<String> lines) {
        String joined = String.join("\n", lines);
        childLog = joined.isEmpty() ? null : joined.substring(Math.max(0, joined.length() - 4000));
        return this;
    }

    public Optional<String> childLog() {
        return Optional.ofNullable(childLog);
    }

    public JobAttempt(UUID jobId, int attempt, Instant startedAt, Instant endedAt, String outcome,
                      FailureCode failureCode, String detail) {
        this.jobId = jobId;
        this.attempt = attempt;
        this.startedAt = startedAt;
        this.endedAt = endedAt;
        this.outcome = outcome;
        this.failureCode = failureCode == null ? null : failureCode.apiName();
        this.detail = detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000);
    }

    public int attempt() { return attempt; }
    public String outcome() { return outcome; }
    public Optional<String> failureCode() { return Optional.ofNullable(failureCode); }
    public Optional<String> detail() { return Optional.ofNullable(detail); }
    public Instant startedAt() { return startedAt; }
    public Instant endedAt() { return endedAt; }
}
