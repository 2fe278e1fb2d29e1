package dev.scriptorium.transcription;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line for every job that ends, in whichever process ended it: INFO when it completed or was canceled, WARN
 * with its failure code and reason when it failed. Operators find why a job ended by its id.
 */
public final class JobEndLog implements JobChangeListener {
    private static final Logger log = LoggerFactory.getLogger(JobEndLog.class);

    @Override
    public void changed(TranscriptionJob job, JobStatus before) {
        if (!job.status().isFinished() || job.status() == before) {
            return;
        }
        long seconds = Duration.between(job.createdAt(), job.updatedAt()).toSeconds();
        switch (job.status()) {
            case COMPLETED -> log.info("Job {} ended: completed, {} s after upload ({} attempt(s))", job.id(),
                    seconds, job.attempts());
            case CANCELED -> log.info("Job {} ended: canceled, {} s after upload", job.id(), seconds);
            default -> log.warn("Job {} ended: failed with {} after {} attempt(s): {}", job.id(),
                    job.failureCode().orElse("unknown"), job.attempts(), job.failureReason().orElse(""));
        }
    }
}
