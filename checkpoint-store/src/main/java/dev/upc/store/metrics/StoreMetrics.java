package dev.upc.store.metrics;

import dev.upc.protocol.BlobKind;
import dev.upc.store.blob.BlobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The store's Prometheus meters (besides {@code upc_store_corrupt_blobs_total}, counted where corruption is
 * found): {@code upc_store_bytes_in_total} / {@code upc_store_bytes_out_total} per kind (blob content bytes
 * accepted by PUT / sent by GET), {@code upc_store_blobs} per kind, {@code upc_store_requests_seconds} per
 * operation and status, and {@code upc_store_uploads} by state ({@code reading}: holding an upload slot,
 * {@code waiting}: in line for one).
 */
@Startup // the gauges exist from the first scrape, not from the first blob request
@ApplicationScoped
public class StoreMetrics {

    private final MeterRegistry meters;
    private final Map<BlobKind, Counter> bytesIn = new EnumMap<>(BlobKind.class);
    private final Map<BlobKind, Counter> bytesOut = new EnumMap<>(BlobKind.class);

    StoreMetrics(MeterRegistry meters, BlobStore store) {
        this.meters = meters;
        for (BlobKind kind : BlobKind.values()) {
            String tag = kind.pathSegment();
            bytesIn.put(kind, Counter.builder("upc.store.bytes.in").tag("kind", tag)
                    .description("Blob content bytes stored by PUT").register(meters));
            bytesOut.put(kind, Counter.builder("upc.store.bytes.out").tag("kind", tag)
                    .description("Blob content bytes sent by GET").register(meters));
            Gauge.builder("upc.store.blobs", store, s -> count(s, kind)).tag("kind", tag).strongReference(true)
                    .description("Blobs currently stored").register(meters);
        }
    }

    /** Registers the gauges of uploads holding a slot and waiting for one. */
    public void uploads(IntSupplier reading, IntSupplier waiting) {
        Gauge.builder("upc.store.uploads", reading, IntSupplier::getAsInt).tag("state", "reading")
                .strongReference(true).description("Uploads whose bodies are being read").register(meters);
        Gauge.builder("upc.store.uploads", waiting, IntSupplier::getAsInt).tag("state", "waiting")
                .strongReference(true).description("Uploads waiting, unread, for a slot").register(meters);
    }

    public void bytesIn(BlobKind kind, long bytes) {
        bytesIn.get(kind).increment(bytes);
    }

    public void bytesOut(BlobKind kind, long bytes) {
        bytesOut.get(kind).increment(bytes);
    }

    /** Starts timing a request; stop the sample with {@link #requestDone}. */
    public Timer.Sample requestStarted() {
        return Timer.start(meters);
    }

    public void requestDone(Timer.Sample sample, String operation, int status) {
        sample.stop(Timer.builder("upc.store.requests").description("Blob API requests, until the response ended")
                .tag("op", operation).tag("status", Integer.toString(status)).register(meters));
    }

    private static double count(BlobStore store, BlobKind kind) {
        try {
            return store.count(kind);
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
