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
    void aWorkerTokenTtlAboveAnHourFailsTheStart() {
        assertThatThrownBy(() -> new RegistryTokens(config(Duration.ofHours(2), Duration.ofDays(30)), Clock.systemUTC(),
                null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upc.registry.worker-token-ttl is 2 hours, but a worker token may live at most 1 hour");
    }

    @Test
    void anAdminTokenTtlAboveAYearFailsTheStart() {
        assertThatThrownBy(() -> new RegistryTokens(config(Duration.ofHours(1), Duration.ofDays(400)), Clock.systemUTC(),
                null, null))
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
