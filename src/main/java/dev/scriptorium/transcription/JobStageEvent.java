package dev.scriptorium.transcription;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A job entering a status (and stage), for its timeline. */
@Entity
@Table(name = "job_stage_event")
public class JobStageEvent {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "job_id", nullable = false)
    private UUID jobId;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobStatus status;
    @Enumerated(EnumType.STRING)
    private JobStage stage;
    @Column(nullable = false)
    private Instant at;

    protected JobStageEvent() {
    }

    JobStageEvent(TranscriptionJob job) {
        this.jobId = job.id();
        this.status = job.status();
        this.stage = job.stage().orElse(null);
        this.at = job.updatedAt();
    }

    public JobStatus status() { return status; }
    public Optional<JobStage> stage() { return Optional.ofNullable(stage); }
    public Instant at() { return at; }
}
