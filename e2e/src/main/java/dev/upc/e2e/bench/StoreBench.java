package dev.upc.e2e.bench;

import dev.upc.e2e.WorkDirectory;
import dev.upc.e2e.cluster.ClusterKeys;
import dev.upc.e2e.pc.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./upc bench store}: the packaged checkpoint store as its own process (-Xmx64m, as in production),
 * PUT and GET of 256 and 1024 MiB blobs over loopback, against a plain file copy on the same disk in the same
 * run ({@code dd bs=1M conv=fsync}: the store fsyncs every blob too). After an unmeasured warm-up, runs are
 * interleaved (copy, PUT, GET) so disk noise hits all three alike, and the median of {@code --runs} is
 * reported. One JSON line per size and operation on stdout; progress on stderr.
 *
 * <p>A PUT cannot be faster than SHA-256 of its bytes on one core (the store hashes every body, and the digest is
 * the blob's identity), so each run also times SHA-256 of as many bytes in this process, and the progress output
 * says how far above that floor the PUT is. On the 2-core machines this was tuned on, SHA-256 takes about as long
 * as the copy, and both swing by a third from minute to minute: the PUT ratio follows the host's CPU, the copy
 * its disk.
 *
 * <p>PUT sends a source file (in the page cache, like the copy's input) with sendfile over a plain socket; GET
 * reads the body from a plain socket into a direct buffer and discards it. The admin token is an RS256 JWT signed here
 * with a key pair made for this run, the public half handed to the store with
 * {@code -Dmp.jwt.verify.publickey.location}.
 *
 * <p>To compare two builds of the store, run the bench once per build, interleaved, with
 * {@code -Dupc.bench.store-jar=<copy of quarkus-app>/quarkus-run.jar} (and {@code -Dupc.bench.store-opts="-D…"}
 * for extra JVM options of the store process); machine noise swings single runs far more than most changes.
 */
public final class StoreBench {

    private static final Path STORE_JAR = Path.of("checkpoint-store", "target", "quarkus-app", "quarkus-run.jar");
    private static final int BUFFER = 1 << 20;
    private static final long MIB = 1L << 20;

    private final Path dir;
    private final String blobs;
    private final String token;
    private int serial;

    private StoreBench(Path dir, String blobs, String token) {
        this.dir = dir;
        this.blobs = blobs;
        this.token = token;
    }

    public static int run(List<String> args, Path work) {
        List<Integer> sizes = List.of(256, 1024);
        int runs = 7; // single runs swing by a third here (the host's disk, and SHA-256's speed)
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--sizes" -> sizes = Stream.of(args.get(++i).split(",")).map(Integer::parseInt).toList();
                case "--runs" -> runs = Integer.parseInt(args.get(++i));
                default -> {
                    System.err.println("usage: ./upc bench store [--sizes 256,1024] [--runs N]");
                    return 2;
                }
            }
        }
        Path jar = Path.of(System.getProperty("upc.bench.store-jar", STORE_JAR.toString())).toAbsolutePath();
        if (!Files.exists(jar)) {
            System.err.println("bench store: " + jar + " is missing; build the checkpoint-store module first");
            return 1;
        }
        Path dir = work.resolve("bench-store");
        Process store = null;
        try {
            WorkDirectory.delete(dir);
            Files.createDirectories(dir.resolve("store"));
            Files.createDirectories(dir.resolve("keys"));
            ClusterKeys keys = ClusterKeys.generate(dir.resolve("keys"));
            int port = freePort();
            store = startStore(jar, port, dir, keys.jwks());
            awaitReady(store, port, dir.resolve("store.log"));
            StoreBench bench = new StoreBench(dir, "http://127.0.0.1:" + port + "/api/v1/blobs",
                    keys.adminToken("bench", Duration.ofHours(1)));
            bench.warmUp();
            for (int size : sizes) {
                bench.measure(size, runs).forEach(System.out::println);
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (store != null) {
                progress("stopping the store");
                store.destroy();
                try {
                    store.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.destroyForcibly();
            }
            try {
                WorkDirectory.delete(dir.resolve("store"));
            } catch (IOException e) {
                progress("could not clean %s: %s", dir, e.getMessage());
            }
        }
    }

    /**
     * A store in service is warm: unmeasured round trips let the JIT compile the hot paths first. It takes about
     * two gibibytes of uploads: PUTs of 64 MiB into a fresh store took 2.7 s, then ~0.5 s for ten, then ~0.35 s
     * (per 256 MiB); three round trips, as this used to do, measured the JIT as much as the store. After 16 the
     * store's C2 compiler still took ~0.6 CPU-s in 8 s of measured runs (perf), compiling per-chunk methods
     * (a 256 KiB chunk is only 4096 calls per GiB).
     */
    private void warmUp() throws IOException {
        int rounds = 32;
        progress("warming up: %d x 64 MiB PUT, GET, DELETE", rounds);
        Path source = dir.resolve("source-warm-up");
        writeSource(source, 64 * MIB);
        for (int i = 0; i < rounds; i++) {
            String id = "warm-up-1-" + i;
            put(id, source, 64 * MIB);
            get(id, 64 * MIB);
            delete(id);
        }
        Files.delete(source);
        settle(dir);
    }

    private List<String> measure(int sizeMiB, int runs) throws IOException, InterruptedException {
        long size = sizeMiB * MIB;
        Path source = dir.resolve("source-" + sizeMiB);
        progress("%d MiB: writing the source file", sizeMiB);
        writeSource(source, size);
        List<Double> copy = new ArrayList<>();
        List<Double> put = new ArrayList<>();
        List<Double> get = new ArrayList<>();
        List<Double> sha256 = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            copy.add(ddCopy(source, dir.resolve("copy-" + sizeMiB)));
            String id = "bench-" + sizeMiB + "-" + (++serial) + "-1";
            sha256.add(sha256Seconds(size));
            put.add(put(id, source, size));
            get.add(get(id, size));
            delete(id);
            settle(dir);
            progress("%d MiB, run %d/%d: dd conv=fsync %.3f s, PUT %.3f s, GET %.3f s (SHA-256 in memory %.3f s)",
                    sizeMiB, run, runs, copy.get(run - 1), put.get(run - 1), get.get(run - 1), sha256.get(run - 1));
        }
        Files.deleteIfExists(source);
        progress("%d MiB: median PUT %.3f s = %.2f x SHA-256 of its bytes on one core (%.3f s, %.0f MiB/s)", sizeMiB,
                median(put), median(put) / median(sha256), median(sha256), sizeMiB / median(sha256));
        double baseline = sizeMiB / median(copy);
        return List.of(json("put", sizeMiB, median(put), baseline), json("get", sizeMiB, median(get), baseline));
    }

    private static String json(String op, int sizeMiB, double seconds, double baselineMibPerSec) {
        double mibPerSec = sizeMiB / seconds;
        return String.format(Locale.ROOT, "{\"bench\":\"store\",\"op\":\"%s\",\"sizeMiB\":%d,\"seconds\":%.3f,"
                        + "\"mibPerSec\":%.1f,\"baselineMibPerSec\":%.1f,\"ratio\":%.2f}",
                op, sizeMiB, seconds, mibPerSec, baselineMibPerSec, mibPerSec / baselineMibPerSec);
    }

    /** Seconds for SHA-256 of {@code size} bytes from memory on this thread: the floor of a PUT's time. */
    private static double sha256Seconds(long size) {
        byte[] bytes = new byte[BUFFER];
        new SecureRandom().nextBytes(bytes);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < 64; i++) {
            sha256.update(bytes); // compiled before it is timed
        }
        long start = System.nanoTime();
        for (long hashed = 0; hashed < size; hashed += bytes.length) {
            sha256.update(bytes);
        }
        sha256.digest();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for {@code dd} to copy the file and fsync the copy; the copy is removed afterwards. */
    private static double ddCopy(Path source, Path target) throws IOException, InterruptedException {
        Files.deleteIfExists(target);
        long start = System.nanoTime();
        Process dd = new ProcessBuilder("dd", "if=" + source, "of=" + target, "bs=1M", "conv=fsync", "status=none")
                .redirectErrorStream(true).start();
        String output = new String(dd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (dd.waitFor() != 0) {
            throw new IOException("dd failed: " + output);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(target);
        settle(target.getParent());
        return seconds;
    }

    /**
     * Commits the file system's journal ({@code sync -f}, syncfs(2)) so the next measurement does not pay for the
     * last one's clean-up: freeing a deleted file's blocks (and, on a disk mounted with {@code discard}, discarding
     * them) happens at the next commit, which otherwise lands in the middle of whatever runs next.
     */
    private static void settle(Path dir) {
        Processes.run(List.of("sync", "-f", dir.toString()), Duration.ofMinutes(1), null);
    }

    /**
     * One PUT as a lean client sends it: the request head, then the file with sendfile(2) ({@code transferTo}),
     * so the client's copies do not eat the CPU the store needs on a 2-core machine (HttpURLConnection or curl
     * spend ~0.35 CPU-seconds per 256 MiB on reading the file and copying it into the socket).
     */
    private double put(String id, Path source, long size) throws IOException {
        long start = System.nanoTime();
        URI uri = URI.create(blobs + "/checkpoints/" + id);
        String status;
        try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
                FileChannel in = FileChannel.open(source)) {
            sendHead(socket, "PUT", uri,
                    "Content-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n");
            for (long sent = 0; sent < size; ) {
                sent += in.transferTo(sent, size - sent, socket);
            }
            byte[] response = Channels.newInputStream(socket).readAllBytes(); // the store closes after answering
            String text = new String(response, StandardCharsets.US_ASCII);
            status = text.length() >= 12 ? text.substring(9, 12) : text;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!status.equals("201")) {
            throw new IOException("PUT " + id + " answered " + status);
        }
        return seconds;
    }

    /** Writes a request head with this run's token, {@code headers} (each ending in CRLF) and Connection: close. */
    private void sendHead(SocketChannel socket, String method, URI uri, String headers) throws IOException {
        ByteBuffer head = ByteBuffer.wrap((method + " " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + headers
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        while (head.hasRemaining()) {
            socket.write(head);
        }
    }

    /**
     * One GET as a lean client takes it: the request head, then the response read into a direct buffer and
     * dropped, one copy from the socket as in a client that streams the blob on (HttpURLConnection reads through
     * a heap array, a second copy that took ~0.3 CPU-seconds per GiB from the store's two cores).
     */
    private double get(String id, long size) throws IOException {
        long start = System.nanoTime();
        URI uri = URI.create(blobs + "/checkpoints/" + id);
        long received = 0;
        String head = null;
        try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()))) {
            sendHead(socket, "GET", uri, "");
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            StringBuilder headText = new StringBuilder();
            for (int n; (n = socket.read(buffer.clear())) >= 0; ) {
                if (head != null) {
                    received += n;
                    continue;
                }
                buffer.flip();
                while (buffer.hasRemaining() && head == null) {
                    headText.append((char) (buffer.get() & 0xff));
                    if (headText.length() >= 4 && headText.substring(headText.length() - 4).equals("\r\n\r\n")) {
                        head = headText.toString();
                    }
                }
                received += buffer.remaining();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (head == null || !head.startsWith("HTTP/1.1 200")) {
            String status = head == null ? "no response head" : head.lines().findFirst().orElse("");
            throw new IOException("GET " + id + " answered " + status);
        }
        if (received != size) {
            throw new IOException("GET " + id + " returned " + received + " of " + size + " bytes");
        }
        return seconds;
    }

    private void delete(String id) throws IOException {
        HttpURLConnection delete = open(id);
        delete.setRequestMethod("DELETE");
        if (delete.getResponseCode() != 204) {
            throw new IOException("DELETE " + id + " answered " + delete.getResponseCode());
        }
    }

    private HttpURLConnection open(String id) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(blobs + "/checkpoints/" + id).toURL()
                .openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + token);
        connection.setReadTimeout((int) Duration.ofMinutes(5).toMillis());
        return connection;
    }

    private static long drain(InputStream in) throws IOException {
        long total = 0;
        try (in) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        return total;
    }

    /** Random, incompressible content, fsynced, so the first copy does not also pay for writing it back. */
    private static void writeSource(Path file, long size) throws IOException {
        byte[] block = new byte[BUFFER];
        new SecureRandom().nextBytes(block);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < size; written += BUFFER) {
                block[0]++; // no two blocks alike
                ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(BUFFER, size - written));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
    }

    private static Process startStore(Path jar, int port, Path dir, Path publicKey) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        progress("starting the store on port %d (-Xmx64m), blobs in %s", port, dir.resolve("store"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
        String extra = System.getProperty("upc.bench.store-opts", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dupc.store.directory=" + dir.resolve("store"),
                "-Dmp.jwt.verify.publickey.location=file:" + publicKey,
                "-Dupc.store.retention.sweep-interval=off",
                "-jar", jar.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("store.log").toFile()).start();
    }

    private static void awaitReady(Process store, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!store.isAlive()) {
                throw new IOException("the store exited; see " + log);
            }
            try {
                HttpURLConnection ready = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/ready")
                        .toURL().openConnection();
                if (ready.getResponseCode() == 200) {
                    drain(ready.getInputStream());
                    progress("store ready");
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("the store was not ready within 60 s; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }


    private static void progress(String format, Object... args) {
        System.err.printf("[bench store] " + format + "%n", args);
    }
}
