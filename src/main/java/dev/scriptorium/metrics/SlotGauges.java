package dev.scriptorium.metrics;

import dev.scriptorium.sandbox.WorkerSlots;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A worker's slots at scrape time: how many there are, how many are busy, and how often children restarted. */
public final class SlotGauges extends Collector {
    private final Supplier<Optional<WorkerSlots>> slots;
    private final String device;

    /** @param slots empty until the worker has a model and has started its slots */
    public SlotGauges(Supplier<Optional<WorkerSlots>> slots, String device) {
        this.slots = slots;
        this.device = device;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily gauge = new GaugeMetricFamily("scriptorium_worker_slots",
                "This worker's slots, all of them and the busy ones.", List.of("state", "device"));
        CounterMetricFamily restarts = new CounterMetricFamily("scriptorium_child_restarts_total",
                "Sandboxed child processes started again after the first (after crashes, time limits, cancels).",
                List.of("device"));
        Optional<WorkerSlots> current = slots.get();
        int total = current.map(WorkerSlots::size).orElse(0);
        int busy = current.map(WorkerSlots::busy).orElse(0);
        long restarted = current.map(all -> all.sandboxes().stream()
                .mapToLong(sandbox -> Math.max(0, sandbox.starts() - 1)).sum()).orElse(0L);
        gauge.addMetric(List.of("total", device), total);
        gauge.addMetric(List.of("busy", device), busy);
        restarts.addMetric(List.of(device), restarted);
        return List.of(gauge, restarts);
    }
}
