package dev.upc.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.store.StoreProcessIT.GeneratedContent;
import dev.upc.store.testing.StoreProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store whose directory is a 16 MiB tmpfs: an upload that does not fit is a 507 with an ErrorResponse, leaves
 * no temp file, and the blobs already there stay intact and served. Needs root (mount); skipped otherwise.
 */
class DiskFullIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path directory;
    private static boolean mounted;
    private static StoreProcess store;

    @BeforeAll
    static void mountTmpfsAndStart() throws Exception {
        directory = Path.of("target", "it-disk-full-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(directory);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", directory.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = mount.waitFor(30, TimeUnit.SECONDS);
        mounted = exited && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root): " + output.trim());
        // Readiness would fail on a 16 MiB filesystem with the default minimum of 1 GiB free.
        store = StoreProcess.start(directory, Path.of("target", "it-disk-full.log").toAbsolutePath(),
                Map.of("upc.store.min-free-bytes", "0"));
    }

    @AfterAll
    static void stopAndUnmount() throws Exception {
        if (store != null) {
            store.close();
        }
        if (mounted) {
            Process umount = new ProcessBuilder("umount", directory.toString()).inheritIO().start();
            umount.waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(directory);
    }

    @Test
    void aFullDiskAnswers507AndKeepsExistingBlobsIntact() throws Exception {
        GeneratedContent existing = new GeneratedContent(4L << 20, 1);
        assertThat(put("checkpoints/before-1-1-1", existing, 4L << 20).status()).isEqualTo(201);

        Reply full = put("checkpoints/too-big-1-1-1", new GeneratedContent(32L << 20, 2), 32L << 20);

        assertThat(full.status()).isEqualTo(507);
        assertThat(full.body().get("status").asInt()).isEqualTo(507);
        assertThat(full.body().get("error").asText()).isEqualTo("insufficient_storage");
        assertThat(full.body().get("message").asText()).contains("nothing was stored");
        assertThat(tempFiles()).isEmpty();
        assertThat(get("checkpoints/too-big-1-1-1").status).isEqualTo(404);

        Fetched before = get("checkpoints/before-1-1-1");
        assertThat(before.status).isEqualTo(200);
        assertThat(before.size).isEqualTo(4L << 20);
        assertThat(before.sha256).isEqualTo(existing.sha256());
        // The space of the failed upload was given back: a blob that fits goes in.
        assertThat(put("checkpoints/after-1-1-1", new GeneratedContent(4L << 20, 3), 4L << 20).status()).isEqualTo(201);
        assertThat(store.isAlive()).isTrue();
    }

    private record Reply(int status, JsonNode body) {
    }

    private record Fetched(int status, long size, String sha256) {
    }

    private static Reply put(String blob, InputStream content, long size) throws IOException {
        HttpURLConnection put = open(blob);
        put.setRequestMethod("PUT");
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(size);
        try (OutputStream out = put.getOutputStream()) {
            content.transferTo(out);
        } catch (IOException e) {
            // The store answered before the body ended; its answer is still there to read.
        }
        int status = put.getResponseCode();
        try (InputStream reply = status >= 400 ? put.getErrorStream() : put.getInputStream()) {
            return new Reply(status, JSON.readTree(reply));
        }
    }

    private static Fetched get(String blob) throws Exception {
        HttpURLConnection get = open(blob);
        int status = get.getResponseCode();
        if (status != 200) {
            get.getErrorStream().close();
            return new Fetched(status, -1, null);
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (InputStream body = get.getInputStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        }
        return new Fetched(status, size, HexFormat.of().formatHex(sha256.digest()));
    }

    private static HttpURLConnection open(String blob) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(store.blobs() + "/" + blob).toURL().openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + store.adminToken());
        return connection;
    }

    private static List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        }
    }
}
