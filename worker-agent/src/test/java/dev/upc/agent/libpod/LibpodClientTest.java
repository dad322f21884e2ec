package dev.upc.agent.libpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.libpod.uds.ScriptedLibpodServer;
import dev.upc.agent.libpod.uds.UdsLibpodTransport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's handling of answers a real libpod gives rarely or cannot be made to give on demand
 * (a 500, a body of many MiB, a stall), from a scripted server on a real unix socket. The happy
 * paths against real Podman are in the e2e module's {@code LibpodClientIT}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibpodClientTest {

    private static final LibpodTimeouts TIMEOUTS =
            new LibpodTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private ScriptedLibpodServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- libpod's statuses become typed exceptions -----------------------------------------------

    @Test
    void serverErrorCarriesLibpodsMessage() throws Exception {
        LibpodClient client = answering(500,
                "{\"cause\":\"x\",\"message\":\"runc: exec failed: upc-counter not found\",\"response\":500}");

        assertThatThrownBy(() -> client.start("upc-job1-1"))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("start upc-job1-1")
                .hasMessageContaining("runc: exec failed: upc-counter not found")
                .satisfies(e -> assertThat(((LibpodException) e).status()).isEqualTo(500));
    }

    /** Podman 4 answers some client errors with 500; libpod's words give them their type. */
    @Test
    void aTakenNameAnsweredWith500IsAConflict() throws Exception {
        LibpodClient client = answering(500, "{\"cause\":\"that name is already in use\","
                + "\"message\":\"creating container storage: the container name \\\"x\\\" is already in use\","
                + "\"response\":500}");

        assertThatThrownBy(() -> client.start("upc-job1-1"))
                .isInstanceOf(LibpodConflictException.class)
                .satisfies(e -> assertThat(((LibpodException) e).status()).isEqualTo(500));
    }

    @Test
    void notFoundIsLibpodNotFoundException() throws Exception {
        LibpodClient client = answering(404,
                "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"upc-gone\\\" found: no such container\",\"response\":404}");

        assertThatThrownBy(() -> client.inspect("upc-gone"))
                .isInstanceOf(LibpodNotFoundException.class)
                .hasMessageContaining("inspect upc-gone")
                .hasMessageContaining("no container with name or ID \"upc-gone\" found");
    }

    @Test
    void conflictIsLibpodConflictException() throws Exception {
        LibpodClient client = answering(409,
                "{\"cause\":\"name is in use\",\"message\":\"the container name \\\"upc-1\\\" is already in use\",\"response\":409}");

        assertThatThrownBy(() -> client.create(ContainerSpec.of("upc-1", "localhost/upc/counter:1", List.of("true"))))
                .isInstanceOf(LibpodConflictException.class)
                .hasMessageContaining("already in use")
                .hasMessageContaining("(name is in use)");
    }

    @Test
    void badRequestIsLibpodBadRequestException() throws Exception {
        LibpodClient client = answering(400, "{\"cause\":\"bad parameter\",\"message\":\"bad parameter\",\"response\":400}");

        assertThatThrownBy(() -> client.updateCpu("upc-1", 50_000, 100_000))
                .isInstanceOf(LibpodBadRequestException.class)
                .hasMessageContaining("update upc-1: bad parameter");
    }

    @Test
    void errorThatIsNotJsonKeepsItsText() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(502, "Content-Type: text/plain", "Content-Length: 22");
            response.ascii("podman is restarting\r\n");
        });

        assertThatThrownBy(() -> client().ping())
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("HTTP 502: podman is restarting");
    }

    @Test
    void errorWithAHugeBodyIsStillTyped() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(404, "Content-Type: application/json", "Content-Length: " + (16 << 20));
            response.write(new byte[16 << 20]);
        });

        assertThatThrownBy(() -> client().inspect("upc-1"))
                .isInstanceOf(LibpodNotFoundException.class)
                .hasMessageContaining("body unreadable");
    }

    // ---- answers that are not what they should be ------------------------------------------------

    @Test
    void jsonAnswerOverEightMiBIsRefusedNotBuffered() throws Exception {
        AtomicLong sent = new AtomicLong();
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Content-Type: application/json", "Transfer-Encoding: chunked");
            byte[] entries = "{\"Id\":\"0123456789abcdef\",\"Names\":[\"upc-x\"],\"State\":\"running\"},"
                    .repeat(1000).getBytes(StandardCharsets.US_ASCII);
            response.chunk(new byte[] {'['}, 0, 1);
            while (sent.get() < 1L << 30) { // 1 GiB if the client kept reading
                response.chunk(entries, 0, entries.length);
                sent.addAndGet(entries.length);
            }
        });

        assertThatThrownBy(() -> client().listByLabel("upc.job"))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("list upc.job")
                .hasMessageContaining("exceeds 8388608 bytes");
        assertThat(sent.get()).as("bytes the server got out before the client hung up").isLessThan(64L << 20);
    }

    @Test
    void waitAnswerThatIsNotANumberIsAServerError() throws Exception {
        LibpodClient client = answering(200, "\"soon\"");

        assertThatThrownBy(() -> client.waitForExit("upc-1", Duration.ofSeconds(5)))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("unexpected answer: \"soon\"");
    }

    @Test
    void malformedAnswerIsAServerErrorOfTheOperation() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.ascii("SSH-2.0-OpenSSH\r\n"));

        assertThatThrownBy(() -> client().inspect("upc-1"))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("inspect upc-1: talking to libpod failed")
                .satisfies(e -> assertThat(((LibpodException) e).status()).isZero());
    }

    @Test
    void noAnswerInTimeIsATimeout() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.stall());
        LibpodTimeouts quick = new LibpodTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(10));
        LibpodClient client = new LibpodClient(new UdsLibpodTransport(server.socket()), quick);

        assertThatThrownBy(() -> client.inspect("upc-1"))
                .isInstanceOf(LibpodTimeoutException.class)
                .hasMessageContaining("/containers/upc-1/json");
    }

    @Test
    void noServiceIsUnreachableNamingTheSocket() {
        Path socket = dir.resolve("podman.sock");

        assertThatThrownBy(() -> LibpodClient.forSocket(socket).ping())
                .isInstanceOf(LibpodUnreachableException.class)
                .hasMessageContaining(socket.toString());
    }

    @Test
    void errorAnsweredWhileTheUploadIsStillGoingIsReported() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            body.readNBytes(1 << 20);
            response.json(500, "{\"cause\":\"no space left on device\",\"message\":\"writing blob: no space left on device\",\"response\":500}");
        });

        assertThatThrownBy(() -> client().loadImage(endless(), -1))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("load image: writing blob: no space left on device");
    }

    // ---- operations ------------------------------------------------------------------------------

    @Test
    void removeOfAMissingContainerIsFalse() throws Exception {
        LibpodClient client = answering(404, "{\"cause\":\"no such container\",\"message\":\"no such container\",\"response\":404}");

        assertThat(client.remove("upc-gone", true)).isFalse();
        assertThat(server.requests().get(0).method()).isEqualTo("DELETE");
        assertThat(server.requests().get(0).path()).isEqualTo("/v4.0.0/libpod/containers/upc-gone");
        assertThat(server.requests().get(0).target()).contains("force=true");
    }

    @Test
    void removeOfAnExistingContainerIsTrue() throws Exception {
        LibpodClient client = answering(200, "[{\"Id\":\"abc\",\"Err\":null}]");

        assertThat(client.remove("upc-1", false)).isTrue();
    }

    /** Podman 4.3's race with its own cleanup (see {@code LibpodClient#remove}), as measured: the container is gone. */
    private static final String RACED_REMOVAL = "{\"cause\":\"device or resource busy\",\"message\":\"removing container "
            + "9be5 root filesystem: 1 error occurred:\\n\\t* unlinkat /var/lib/containers/storage/overlay-containers/9be5/"
            + "userdata/shm: device or resource busy\\n\\n\",\"response\":500}";

    @Test
    void aRemovalThatRacedPodmansCleanupIsARemoval() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            if (request.method().equals("DELETE")) {
                response.json(500, RACED_REMOVAL);
            } else {
                response.json(404, "{\"cause\":\"no such container\",\"message\":\"no such container\",\"response\":404}");
            }
        });

        assertThat(client().remove("upc-1", true)).isTrue();
        assertThat(server.requests().get(1).path()).isEqualTo("/v4.0.0/libpod/containers/upc-1/exists");
    }

    @Test
    void theSameAnswerForAContainerStillThereIsAnError() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            if (request.method().equals("DELETE")) {
                response.json(500, RACED_REMOVAL);
            } else {
                response.head(204);
            }
        });

        assertThatThrownBy(() -> client().remove("upc-1", true))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("device or resource busy");
    }

    @Test
    void invalidContainerNamesAreRefusedBeforeAnyRequest() throws Exception {
        LibpodClient client = answering(200, "{}");

        for (String name : new String[] {"../x", "", "a/b", "/abs", ".hidden", "a b", "x?all=true"}) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(() -> client.inspect(name), () -> client.start(name),
                    () -> client.remove(name, true), () -> client.stats(name), () -> client.exists(name),
                    () -> client.checkpointExport(name, CheckpointOptions.periodic()))) {
                assertThatThrownBy(call).as(name).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> ContainerSpec.of(name, "img", List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RestoreOptions.named(name)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> client.inspect(null)).isInstanceOf(IllegalArgumentException.class);

        assertThat(server.connections()).isZero();
    }

    @Test
    void waitReturnsTheExitCode() throws Exception {
        LibpodClient client = answering(200, "137\n");

        assertThat(client.waitForExit("upc-1", Duration.ofSeconds(5))).isEqualTo(137);
        assertThat(server.requests().get(0).target()).isEqualTo("/v4.0.0/libpod/containers/upc-1/wait?condition=exited");
    }

    @Test
    void logsAreDecodedFromLibpodsFrames() throws Exception {
        byte[] frames = LogFramesTest.frames(LogFramesTest.frame(1, "tick 1\n"), LogFramesTest.frame(2, "oops\n"));
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Content-Type: application/octet-stream", "Content-Length: " + frames.length);
            response.write(frames);
        });

        assertThat(client().logs("upc-1", -1)).containsExactly(
                new LogLine(LogLine.Stream.STDOUT, "tick 1"), new LogLine(LogLine.Stream.STDERR, "oops"));
        assertThat(server.requests().get(0).target())
                .isEqualTo("/v4.0.0/libpod/containers/upc-1/logs?stderr=true&stdout=true&tail=all");
    }

    @Test
    void failedRestoreRemovesTheHalfCreatedContainer() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            if (request.method().equals("POST")) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
                response.json(500, "{\"cause\":\"criu failed\",\"message\":\"crun: CRIU restore failed\",\"response\":500}");
            } else {
                response.json(200, "[{\"Id\":\"abc\",\"Err\":null}]");
            }
        });
        byte[] archive = new byte[10_240];

        assertThatThrownBy(() -> client().restoreImport(new java.io.ByteArrayInputStream(archive), archive.length,
                RestoreOptions.named("upc-job1-2")))
                .isInstanceOf(LibpodServerException.class)
                .hasMessageContaining("restore upc-job1-2: crun: CRIU restore failed");

        List<ScriptedLibpodServer.Request> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).target()).startsWith("/v4.0.0/libpod/containers/import/restore?")
                .contains("import=true").contains("name=upc-job1-2");
        assertThat(requests.get(0).header("content-length")).isEqualTo("10240");
        assertThat(requests.get(1).method()).isEqualTo("DELETE");
        assertThat(requests.get(1).path()).isEqualTo("/v4.0.0/libpod/containers/upc-job1-2");
    }

    @Test
    void aRestoreWhoseArchiveNeverEndedRemovesNothingOfThatName() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            try {
                body.transferTo(java.io.OutputStream.nullOutputStream());
                response.json(200, "{\"Id\":\"abc\"}");
            } catch (java.io.IOException cut) {
                response.json(500, "{\"cause\":\"unexpected EOF\",\"message\":\"unexpected EOF\",\"response\":500}");
            }
        });
        java.io.InputStream failsMidway = new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(new byte[4096]), new java.io.InputStream() {
                    @Override
                    public int read() throws java.io.IOException {
                        throw new java.io.IOException("the prefetch was dropped");
                    }
                });

        assertThatThrownBy(() -> client().restoreImport(failsMidway, -1, RestoreOptions.named("upc-job1-2")))
                .isInstanceOf(LibpodException.class);

        assertThat(server.requests()).extracting(ScriptedLibpodServer.Request::method)
                .as("no DELETE: the name may be another container's by now").doesNotContain("DELETE");
    }

    // ---- logs, and files into a created container --------------------------------------------------

    /** libpod sends no head before the container's first output: a quiet job must not time out the follow. */
    @Test
    void aFollowWaitsForItsHeadLongerThanAnOrdinaryCall() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            Thread.sleep(1_500);
            response.head(200, "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
            byte[] frame = {1, 0, 0, 0, 0, 0, 0, 4, 'x', ' ', 'y', '\n'};
            response.chunk(frame, 0, frame.length);
            response.lastChunk();
        });
        LibpodTimeouts quick = new LibpodTimeouts(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500));
        LibpodClient client = new LibpodClient(new UdsLibpodTransport(server.socket()), quick);

        try (LogStream stream = client.followLogs("upc-1", Duration.ofSeconds(10))) {
            assertThat(stream.readAllBytes()).hasSize(12);
        }
        assertThat(server.requests().get(0).target()).isEqualTo(
                "/v4.0.0/libpod/containers/upc-1/logs?follow=true&stderr=true&stdout=true&timestamps=true");
    }

    @Test
    void aFollowSilentBeyondItsLimitIsATimeout() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.stall());

        assertThatThrownBy(() -> client().followLogs("upc-1", Duration.ofMillis(300)))
                .isInstanceOf(LibpodTimeoutException.class);
    }

    @Test
    void readLogsDoesNotFollow() throws Exception {
        LibpodClient client = answering(200, "");

        client.readLogs("upc-1").close();

        assertThat(server.requests().get(0).target())
                .isEqualTo("/v4.0.0/libpod/containers/upc-1/logs?stderr=true&stdout=true&timestamps=true");
    }

    @Test
    void pathExistsAsksWithHeadAndTakes404AsNo() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            if (request.target().endsWith("path=%2Fdata")) {
                response.head(200, "X-Docker-Container-Path-Stat: e30=", "Content-Length: 0");
            } else {
                response.head(404, "Content-Length: 0");
            }
        });

        assertThat(client().pathExists("upc-1", "/data")).isTrue();
        assertThat(client().pathExists("upc-1", "/data/in")).isFalse();
        assertThat(server.requests()).extracting(ScriptedLibpodServer.Request::method).containsOnly("HEAD");
    }

    @Test
    void copyInPutsTheTarAtThePath() throws Exception {
        java.util.concurrent.atomic.AtomicReference<byte[]> received = new java.util.concurrent.atomic.AtomicReference<>();
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            received.set(body.readAllBytes());
            response.head(200, "Content-Length: 0");
        });
        byte[] tar = new byte[2048];
        tar[0] = 'x';

        client().copyIn("upc-1", "/", new java.io.ByteArrayInputStream(tar), tar.length);

        ScriptedLibpodServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.target()).isEqualTo("/v4.0.0/libpod/containers/upc-1/archive?path=%2F");
        assertThat(request.header("content-type")).isEqualTo("application/x-tar");
        assertThat(received.get()).isEqualTo(tar);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private LibpodClient answering(int status, String json) throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.json(status, json));
        return client();
    }

    private LibpodClient client() {
        return new LibpodClient(new UdsLibpodTransport(server.socket()), TIMEOUTS);
    }

    /** An upload that never ends by itself. */
    private static InputStream endless() {
        return new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] target, int offset, int length) {
                java.util.Arrays.fill(target, offset, offset + length, (byte) 0);
                return length;
            }
        };
    }
}
