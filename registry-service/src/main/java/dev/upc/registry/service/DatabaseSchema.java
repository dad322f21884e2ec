package dev.upc.registry.service;

import dev.upc.servicehttp.DatabaseMigration;
import dev.upc.servicehttp.ReadinessProblems;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

/** Migrates the schema with Flyway at start, retrying in the background while the database cannot be had. */
@ApplicationScoped
public class DatabaseSchema {

    private DatabaseMigration migration;

    void migrate(@Observes StartupEvent event, Flyway flyway, ReadinessProblems problems,
                 @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl) {
        migration = new DatabaseMigration(jdbcUrl, flyway::migrate, problems);
        migration.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (migration != null) {
            migration.stop();
        }
    }
}
