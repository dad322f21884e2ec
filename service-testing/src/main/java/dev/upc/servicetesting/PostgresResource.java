package dev.upc.servicetesting;

import dev.upc.localpg.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A private PostgreSQL cluster per test run ({@link LocalPostgres}), handed to the application as its datasource. The
 * service gets the cluster's own {@code postgres} database: the cluster is the service's alone.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final String DATABASE = "postgres";

    private LocalPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = LocalPostgres.start();
        return Map.of(
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", "",
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(DATABASE));
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
