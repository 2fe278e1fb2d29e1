package dev.scriptorium.metrics;

import dev.scriptorium.transcription.JobChangeListener;
import dev.scriptorium.transcription.JobStage;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * This process's Prometheus metrics, in a registry of its own (never the library's global one), built once in the
 * composition root and scraped at /metrics. Every role records what happens in it; gauges read from the database
 * are added by the role that owns them (see {@link #register}). Thread-safe.
 */
public final class Metrics {
    private final CollectorRegistry registry = new CollectorRegistry(true);
    private final Counter jobsFinished = Counter.build("scriptorium_jobs_finished_total",
            "Jobs that reached a final status, by status and failure code (empty unless failed).")
            .labelNames("status", "failure_code").register(registry);
    private final Counter uploadBytes = Counter.build("scriptorium_upload_bytes_total",
            "Bytes of accepted uploads.").register(registry);
    private final Histogram stageSeconds = Histogram.build("scriptorium_stage_duration_seconds",
            "How long each processing stage took, per attempt.")
            .labelNames("stage")
            .buckets(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
            .register(registry);
    private final Histogram realTimeFactor = Histogram.build("scriptorium_realtime_factor",
            "Wall seconds of Whisper per second of audio, per chunk, by model and device (below 1 is faster than"
                    + " real time).")
            .labelNames("model", "device")
            .buckets(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
            .register(registry);
    private final Histogram speechRatio = Histogram.build("scriptorium_speech_ratio",
            "The share of each job's audio that speech detection found to be speech (what Whisper hears).")
            .buckets(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1)
            .register(registry);
    private final Counter skippedSeconds = Counter.build("scriptorium_audio_skipped_seconds_total",
            "Seconds of audio Whisper did not hear because speech detection found no speech in them.")
            .register(registry);
    private final Counter cleanupDeleted = Counter.build("scriptorium_cleanup_deleted_total",
            "What retention cleanup deleted: jobs, media, orphan objects, local files.")
            .labelNames("kind").register(registry);
    private final Counter cleanupBytes = Counter.build("scriptorium_cleanup_bytes_freed_total",
            "Bytes retention cleanup freed.").register(registry);
    private final Counter httpRequests = Counter.build("scriptorium_http_requests_total",
            "HTTP requests by route, method and status.")
            .labelNames("route", "method", "status").register(registry);
    private final Histogram httpSeconds = Histogram.build("scriptorium_http_request_duration_seconds",
            "HTTP request latency by route and method.")
            .labelNames("route", "method")
            .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60)
            .register(registry);

    public Metrics() {
        DefaultExports.register(registry);
    }

    /** Adds a collector read at scrape time, e.g. job counts from the database. */
    public void register(Collector collector) {
        collector.register(registry);
    }

    /** The Prometheus text exposition format (0.0.4). */
    public String scrape() {
        StringWriter text = new StringWriter();
        try {
            TextFormat.write004(text, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Counts a job when it reaches a final status in this process. */
    public JobChangeListener jobListener() {
        return (job, before) -> {
            boolean wasFinished = before != null && before.isFinished();
            if (job.status().isFinished() && !wasFinished) {
                jobsFinished.labels(job.status().apiName(), job.failureCode().orElse("")).inc();
            }
        };
    }

    public void uploaded(long bytes) {
        uploadBytes.inc(bytes);
    }

    public void stageTook(JobStage stage, Duration duration) {
        stageSeconds.labels(stage.apiName()).observe(duration.toNanos() / 1e9);
    }

    public void chunkTranscribed(String model, String device, double audioSeconds, double wallSeconds) {
        if (audioSeconds > 0) {
            realTimeFactor.labels(model, device).observe(wallSeconds / audioSeconds);
        }
    }

    public void speechDetected(double audioSeconds, double speechSeconds) {
        if (audioSeconds > 0) {
            speechRatio.observe(Math.min(1, speechSeconds / audioSeconds));
            skippedSeconds.inc(Math.max(0, audioSeconds - speechSeconds));
        }
    }

    public void cleanedUp(String kind, long bytes) {
        cleanupDeleted.labels(kind).inc();
        cleanupBytes.inc(bytes);
    }

    public void httpRequest(String route, String method, int status, double seconds) {
        httpRequests.labels(route, method, String.valueOf(status)).inc();
        httpSeconds.labels(route, method).observe(seconds);
    }
}
