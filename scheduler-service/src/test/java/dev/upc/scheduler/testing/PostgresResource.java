package dev.upc.scheduler.testing;

import dev.upc.localpg.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A private PostgreSQL cluster per test run ({@link LocalPostgres}), handed to the scheduler as its datasource. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private LocalPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = LocalPostgres.start();
        return Map.of(
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", "",
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl("postgres"),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl("postgres"));
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
