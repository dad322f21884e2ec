package dev.upc.scheduler.health;

import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.config.SchedulerConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the registry answers: without it the planner cannot place anything (the API still works).
 * Cheap to probe: one worker is asked for, not the list, and an answer stands for
 * {@code upc.scheduler.registry.health-cache} (10 s), shared by probes that come while it is asked. Disabled with
 * upc.scheduler.registry.health-enabled=false. The database check is the reactive client's own.
 */
@Readiness
@ApplicationScoped
public class RegistryReadiness implements AsyncHealthCheck {

    private static final String NAME = "registry";

    private final boolean enabled;
    private final Uni<HealthCheckResponse> probe;

    RegistryReadiness(WorkerDirectory directory, SchedulerConfig config) {
        this.enabled = config.registry().healthEnabled();
        Uni<HealthCheckResponse> ask = Uni.createFrom().deferred(() -> directory.reachable()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(ignored -> HealthCheckResponse.named(NAME).up().build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", String.valueOf(failure.getMessage())).build()));
        Duration cache = config.registry().healthCache();
        this.probe = cache.isZero() ? ask : ask.memoize().atLeast(cache);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!enabled) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).up().withData("checked", false).build());
        }
        return probe;
    }
}
