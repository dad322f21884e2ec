package dev.upc.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.testing.CliRun;
import dev.upc.cli.testing.FakeApi;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 401, 403 and 404 exit 3 and say which; other failures exit 1; one line each, no stack trace. */
class ExitCodesTest {

    @TempDir
    Path home;

    private final FakeApi api = FakeApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anExpiredTokenExits3AndSaysSo() {
        api.error("GET", "/api/v1/jobs", 401, "invalid_token", "the token expired at 2026-12-01T00:00:00Z");
        CliRun.Result result = CliRun.against(api, home).run("jobs", "list");
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("upc: the token has expired (the token expired at 2026-12-01T00:00:00Z); "
                + "ask an admin for a new one and run 'upc login'\n");
    }

    @Test
    void aForbiddenCommandExits3AndNamesTheCommand() {
        api.error("GET", "/api/v1/jobs", 403, "forbidden", "only admins may list everyone's jobs");
        CliRun.Result result = CliRun.against(api, home).run("jobs", "list", "--all");
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("upc: this token is not allowed to run 'upc jobs list': "
                + "only admins may list everyone's jobs\n");
    }

    @Test
    void anUnknownJobExits3WithTheServersWords() {
        api.error("GET", "/api/v1/jobs/j9", 404, "job_not_found", "no job j9");
        CliRun.Result result = CliRun.against(api, home).run("jobs", "show", "j9");
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("upc: no job j9\n");
    }

    @Test
    void aServerFailureExits1() {
        api.error("GET", "/api/v1/jobs", 500, "internal", "database unavailable");
        CliRun.Result result = CliRun.against(api, home).run("jobs", "list");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).startsWith("upc: GET " + api.url() + "/api/v1/jobs").contains("500",
                "database unavailable");
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void aConflictExits1WithTheServersWords() {
        api.error("DELETE", "/api/v1/jobs/j1", 409, "job_finished", "j1 has finished already");
        CliRun.Result result = CliRun.against(api, home).run("jobs", "cancel", "j1");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("upc: j1 has finished already\n");
    }

    @Test
    void anUnreachableServerExits1AtOnceNamingTheUrl() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long started = System.nanoTime();
        CliRun.Result result = CliRun.in(home).with("UPC_SERVER", "http://127.0.0.1:" + port)
                .with("UPC_TOKEN", "t").run("jobs", "list");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("upc: cannot reach the scheduler at http://127.0.0.1:" + port
                + ": connection refused\n");
    }

    @Test
    void noConfiguredServerExits1WithWhatToDo() {
        CliRun.Result result = CliRun.in(home).run("jobs", "list");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("no server given: log in with 'upc login --server URL --token-file FILE'");
    }

    @Test
    void aStackTraceOnlyWithUpcDebug() {
        api.on("GET", "/api/v1/jobs", exchange -> exchange.bytes(200, "application/json",
                "{not json".getBytes(StandardCharsets.UTF_8)));
        CliRun.Result quiet = CliRun.against(api, home).run("jobs", "list");
        assertThat(quiet.code()).isEqualTo(1);
        assertThat(quiet.err()).contains("answered with JSON this client cannot read").doesNotContain("\tat ");

        CliRun.Result debug = CliRun.against(api, home).with("UPC_DEBUG", "1").run("jobs", "list");
        assertThat(debug.code()).isEqualTo(1);
        assertThat(debug.err()).contains("\tat dev.upc.cli");
    }
}
