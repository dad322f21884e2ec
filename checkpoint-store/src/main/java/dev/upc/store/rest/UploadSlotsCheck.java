package dev.upc.store.rest;

import dev.upc.store.config.StoreConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * How full the upload slots are, in the readiness answer: uploads being read and their limit, uploads waiting and
 * theirs, and {@code saturated} when both are full (the next PUT is refused 503). It stays UP then: a full line of
 * uploads does not stop the reads that restores need, and taking the store out of service would stop those too.
 * The same figures are the gauge {@code upc_store_uploads}.
 */
@Readiness
public class UploadSlotsCheck implements HealthCheck {

    private final BlobRoutes routes;
    private final StoreConfig config;

    UploadSlotsCheck(BlobRoutes routes, StoreConfig config) {
        this.routes = routes;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        UploadSlots slots = routes.uploadSlots();
        int reading = slots.active();
        int waiting = slots.waiting();
        return HealthCheckResponse.named("uploads").up()
                .withData("reading", reading).withData("readingLimit", config.maxConcurrentUploads())
                .withData("waiting", waiting).withData("waitingLimit", config.maxWaitingUploads())
                .withData("saturated", reading >= config.maxConcurrentUploads() && waiting >= config.maxWaitingUploads())
                .build();
    }
}
