package dev.upc.registry.config;

import dev.upc.registry.service.Liveness;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The registry's one time source and the liveness thresholds. Every timestamp it writes (registered_at,
 * last_seen) and every "now" that liveness is computed against come from this clock; tests replace it with a
 * clock they move. Replicas must keep their clocks NTP-synced: skew adds directly to the heartbeat age.
 */
@ApplicationScoped
public class TimeBeans {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Liveness liveness(RegistryConfig config) {
        return new Liveness(config.suspectAfter(), config.lostAfter());
    }
}
