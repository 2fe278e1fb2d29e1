package dev.scriptorium.webhook;

import dev.scriptorium.transcription.JobEndOutbox;
import dev.scriptorium.transcription.TranscriptionJob;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Records a job's end event in the transaction that ends it, addressed to the job's own URL or else its key's
 * default URL; a job with neither gets no row. The row's id is the event's {@code webhook-id}. Stateless.
 */
public final class WebhookOutbox implements JobEndOutbox {
    @Override
    public void ended(Session session, TranscriptionJob job) {
        session.createNativeMutationQuery("insert into webhook_delivery (id, job_id, event_type, url, owner_key,"
                        + " status, attempts, next_attempt_at, created_at)"
                        + " select :id, j.id, :type, coalesce(j.webhook_url, k.webhook_url), j.owner_key, 'pending', 0,"
                        + " :at, :at from transcription_job j left join api_key k on k.id = j.owner_key"
                        + " where j.id = :job and coalesce(j.webhook_url, k.webhook_url) is not null")
                .setParameter("id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
                .setParameter("type", "job." + job.status().apiName())
                .setParameter("at", job.updatedAt())
                .setParameter("job", job.id())
                .executeUpdate();
    }
}
