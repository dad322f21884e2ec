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
        assertThatThrownBy(() -> new RegistryTokens(config(Duration.ofHours(2)), Clock.systemUTC(), null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upc.registry.worker-token-ttl is 2 hours, but a worker token may live at most 1 hour");
    }

    private static RegistryConfig config(Duration workerTtl) {
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "workerTokenTtl" -> workerTtl;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
