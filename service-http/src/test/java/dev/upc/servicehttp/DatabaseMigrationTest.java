package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DatabaseMigrationTest {

    @Test
    void namesTheDatabaseAndWhereItIs() {
        assertThat(DatabaseMigration.describeUrl("jdbc:postgresql://127.0.0.1:15432/upc_registry?sslmode=disable"))
                .isEqualTo("database upc_registry at 127.0.0.1:15432");
        assertThat(DatabaseMigration.describeUrl("jdbc:postgresql://upc-postgres/upc_scheduler"))
                .isEqualTo("database upc_scheduler at upc-postgres");
    }

    @Test
    void saysWhatWentWrongOnOneLine() {
        assertThat(DatabaseMigration.describe(new RuntimeException("Unable to obtain connection",
                new SQLException("Connection to 127.0.0.1:1 refused.\nCheck ...", "08001",
                        new ConnectException("Connection refused")))))
                .isEqualTo("unreachable: Connection refused");
        assertThat(DatabaseMigration.describe(new RuntimeException(new UnknownHostException("upc-postgres"))))
                .isEqualTo("unreachable: unknown host upc-postgres");
        assertThat(DatabaseMigration.describe(new RuntimeException(
                new SQLException("FATAL: password authentication failed for user \"upc\"", "28P01"))))
                .startsWith("refused the login (check UPC_DB_USER and UPC_DB_PASSWORD): FATAL: password");
        assertThat(DatabaseMigration.describe(new RuntimeException(
                new SQLException("FATAL: database \"upc_x\" does not exist", "3D000"))))
                .isEqualTo("does not exist: FATAL: database \"upc_x\" does not exist");
    }

    @Test
    void aFailedFirstTryIsReportedOnceAndRetriedUntilItSucceeds() throws InterruptedException {
        ReadinessProblems problems = new ReadinessProblems();
        AtomicInteger tries = new AtomicInteger();
        DatabaseMigration migration = new DatabaseMigration("jdbc:postgresql://127.0.0.1:1/db", () -> {
            if (tries.incrementAndGet() == 1) {
                throw new RuntimeException(new ConnectException("Connection refused"));
            }
        }, problems);
        migration.start();
        assertThat(problems.current()).containsEntry(DatabaseMigration.CHECK,
                "database db at 127.0.0.1:1 unreachable: Connection refused; retrying every 5 s");
        for (int i = 0; i < 100 && problems.has(DatabaseMigration.CHECK); i++) {
            Thread.sleep(100);
        }
        assertThat(problems.current()).isEmpty();
        assertThat(tries).hasValue(2);
        migration.stop();
    }
}
