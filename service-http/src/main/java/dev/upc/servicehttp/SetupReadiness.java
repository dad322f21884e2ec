package dev.upc.servicehttp;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once nothing in {@link ReadinessProblems} is left; otherwise DOWN with each problem under its check. */
@Readiness
@ApplicationScoped
public class SetupReadiness implements HealthCheck {

    private final ReadinessProblems problems;

    SetupReadiness(ReadinessProblems problems) {
        this.problems = problems;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, String> current = problems.current();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("setup").status(current.isEmpty());
        current.forEach(response::withData);
        return response.build();
    }
}
