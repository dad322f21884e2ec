package dev.upc.registry.service;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.registry.config.RegistryConfig;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configured token lifetimes beyond what a kind may live fail the start, naming the setting. */
class RegistryTokensTest {

    @Test
    void aWorkerTokenTtlAboveSevenDaysFailsTheStart() {
        assertThatThrownBy(() -> new RegistryTokens(config(Duration.ofDays(8), Duration.ofDays(30)), Clock.systemUTC(),
                null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upc.registry.worker-token-ttl is 8 days, but a worker token may live at most 7 days");
    }

    @Test
    void anAdminTokenTtlAboveAYearFailsTheStart() {
        assertThatThrownBy(() -> new RegistryTokens(config(Duration.ofDays(1), Duration.ofDays(400)), Clock.systemUTC(),
                null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upc.registry.admin-token-ttl is 400 days");
    }

    private static RegistryConfig config(Duration workerTtl, Duration adminTtl) {
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "workerTokenTtl" -> workerTtl;
                    case "adminTokenTtl" -> adminTtl;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
