package dev.upc.servicehttp;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The service's one time source: every timestamp it writes and every "now" it decides against come from this
 * clock. A default bean, so a test that declares its own {@link Clock} bean replaces it.
 */
@ApplicationScoped
public class SystemClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
