package dev.upc.scheduler.service;

import io.vertx.pgclient.PgConnectOptions;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connection options of the scheduler's database for the two dedicated connections outside the pool: the LISTEN of
 * {@link Wakeups} and the planner's advisory lock.
 */
@Singleton
public class DatabaseOptions {

    private final String url;
    private final String user;
    private final String password;

    DatabaseOptions(@ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                    @ConfigProperty(name = "quarkus.datasource.username") String user,
                    @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this.url = url;
        this.user = user;
        this.password = password.orElse("");
    }

    public PgConnectOptions connectOptions() {
        String uri = url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url;
        return PgConnectOptions.fromUri(uri).setUser(user).setPassword(password);
    }
}
