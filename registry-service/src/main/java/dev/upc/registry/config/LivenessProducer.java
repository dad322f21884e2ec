package dev.upc.registry.config;

import dev.upc.registry.service.Liveness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The liveness thresholds. Heartbeat ages are measured with the injected {@link java.time.Clock} (upc-service-http's
 * system clock; tests replace it), so replicas must keep their clocks NTP-synced: skew adds directly to the age.
 */
@ApplicationScoped
public class LivenessProducer {

    @Produces
    @Singleton
    Liveness liveness(RegistryConfig config) {
        return new Liveness(config.suspectAfter(), config.lostAfter());
    }
}
