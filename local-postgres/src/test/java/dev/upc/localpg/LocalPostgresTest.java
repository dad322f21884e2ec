package dev.upc.localpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {

    @Test
    void startsWithTheGivenSettingsServesANewDatabaseOverTcpAndIsGoneAfterClose() throws Exception {
        Path log;
        try (LocalPostgres postgres = LocalPostgres.start(Map.of("synchronous_commit", "on", "work_mem", "8MB"))) {
            log = postgres.logFile();
            postgres.createDatabase("upc_test");

            assertThat(postgres.jdbcUrl("upc_test")).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/upc_test");
            assertThat(postgres.reactiveUrl("upc_test")).isEqualTo("postgresql://127.0.0.1:" + postgres.port() + "/upc_test");
            assertThat(psql(postgres, "upc_test", "SELECT current_database(), current_setting('synchronous_commit'),"
                    + " current_setting('work_mem'), current_setting('fsync')"))
                    .isEqualTo("upc_test|on|8MB|off");
        }
        assertThat(log.getParent()).doesNotExist();
    }

    private static String psql(LocalPostgres postgres, String database, String sql) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("psql", "-h", LocalPostgres.HOST,
                "-p", Integer.toString(postgres.port()), "-U", LocalPostgres.USER, "-d", database, "-Atc", sql))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
