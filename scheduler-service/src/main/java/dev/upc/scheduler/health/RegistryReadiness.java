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
 * Disabled with upc.scheduler.registry.health-enabled=false. The database check is the reactive client's own.
 */
@Readiness
@ApplicationScoped
public class RegistryReadiness implements AsyncHealthCheck {

    private final WorkerDirectory directory;
    private final boolean enabled;

    RegistryReadiness(WorkerDirectory directory, SchedulerConfig config) {
        this.directory = directory;
        this.enabled = config.registry().healthEnabled();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!enabled) {
            return Uni.createFrom().item(HealthCheckResponse.named("registry").up().withData("checked", false).build());
        }
        return directory.workers()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(workers -> HealthCheckResponse.named("registry").up().withData("workers", workers.size()).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("registry").down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }
}
