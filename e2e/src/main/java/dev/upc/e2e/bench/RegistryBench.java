package dev.upc.e2e.bench;

import dev.upc.localpg.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./upc bench registry}: many simulated workers heartbeating against one packaged registry (its own process,
 * -Xmx256m) and one local PostgreSQL, both started here on free ports and stopped at the end. Prints
 * {@code {"bench":"registry","workers":…,"heartbeatsPerSec":…,"p99Ms":…,"errors":…}} for the asked load, then looks
 * for the knee: the worker count doubles step by step until a step misses its rate, has a p99 over 50 ms or has
 * errors (or halves until one keeps up, if the first does not); one line per step ({@code "step":true}) and a final
 * {@code {"bench":"registry","knee":{…}}}. Progress on stderr.
 *
 * <p>PostgreSQL runs with durable settings (fsync, full_page_writes and synchronous_commit on), as in a
 * deployment, so registration pays its WAL flush and the heartbeat's own asynchronous commit is what is measured;
 * {@code --no-fsync} uses the fast test settings instead.
 *
 * <p>Open loop: each worker heartbeats every interval at its own random phase whether or not earlier answers came
 * back, and latency is measured from the moment each heartbeat was due, so a registry that falls behind shows it in
 * p99 instead of silently slowing the load (no coordinated omission). A heartbeat that cannot be sent because
 * {@code --max-in-flight} requests are outstanding counts as an error. The load generator shares the machine's
 * cores with the registry and PostgreSQL, so the knee is that of the whole box.
 */
public final class RegistryBench {

    private static final Path REGISTRY_JAR = Path.of("registry-service", "target", "quarkus-app", "quarkus-run.jar");
    private static final String DATABASE = "upc_registry";
    private static final double MAX_P99_MS = 50;
    /** A step keeps up if this share of the heartbeats due in its window completed. */
    private static final double MIN_RATE_SHARE = 0.97;
    private static final int KNEE_STEPS = 4;
    private static final Pattern WORKER_ID = Pattern.compile("\"workerId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WORKER_TOKEN = Pattern.compile("\"workerToken\"\\s*:\\s*\"([^\"]+)\"");
    /** Latency histogram: 0.1 ms buckets up to 60 s. */
    private static final int BUCKET_MICROS = 100;
    private static final int BUCKETS = 600_000;

    private final HttpClient http;
    private final ExecutorService httpExecutor;
    private final URI base;
    private final String joinToken;
    private final int maxInFlight;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<SimulatedWorker> workers = new ArrayList<>();

    private RegistryBench(URI base, String joinToken, int maxInFlight) {
        this.base = base;
        this.joinToken = joinToken;
        this.maxInFlight = maxInFlight;
        this.httpExecutor = Executors.newFixedThreadPool(4);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static int run(List<String> args, Path work) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench registry: " + e.getMessage());
            System.err.println("usage: ./upc bench registry [--workers 10000] [--interval 10] [--duration 30]"
                    + " [--no-knee] [--no-fsync] [--max-in-flight 1024]");
            return 2;
        }
        Path jar = REGISTRY_JAR.toAbsolutePath();
        if (!Files.exists(jar)) {
            System.err.println("bench registry: " + jar + " is missing; build the registry-service module first");
            return 1;
        }
        Environment environment = new Environment(work.resolve("bench-registry.log"));
        Thread cleanupOnExit = new Thread(environment::close, "bench-registry-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        RegistryBench bench = null;
        try {
            URI base = environment.start(jar, options.fsync());
            bench = new RegistryBench(base, environment.joinToken, options.maxInFlight());
            // A longer warm-up for the first run: both JVMs are still compiling the hot path.
            Step main = bench.measure(options.workers(), options.interval(), 2 * options.interval(),
                    options.duration());
            System.out.println(main.json(false));
            if (options.knee()) {
                bench.findKnee(options.workers(), options.interval(), Math.max(options.interval(), options.duration() / 2));
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            progress("failed: %s", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (bench != null) {
                bench.httpExecutor.shutdownNow();
            }
            environment.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook finds everything closed
            }
        }
    }

    /**
     * Doubles the workers from {@code firstWorkers} until a step does not keep up; if the first step already does
     * not, halves them until one does. The knee is the largest step that kept up.
     */
    private void findKnee(int firstWorkers, int interval, int duration) throws InterruptedException {
        Step knee = null;
        Step missed = null;
        int count = firstWorkers;
        for (int i = 0; i < KNEE_STEPS && count >= interval; i++) {
            Step step = measure(count, interval, interval, duration);
            System.out.println(step.json(true));
            if (step.keptUp()) {
                knee = step;
                if (missed != null) {
                    break;
                }
                count *= 2;
            } else {
                missed = step;
                if (knee != null) {
                    break;
                }
                count /= 2;
            }
        }
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"registry\",\"knee\":{\"workers\":%d,"
                        + "\"heartbeatsPerSec\":%.1f},\"missedAtWorkers\":%s}",
                knee == null ? 0 : knee.workers(), knee == null ? 0.0 : knee.heartbeatsPerSec(),
                missed == null ? "null" : Integer.toString(missed.workers())));
    }

    /** Registers workers up to {@code count}, then runs the heartbeat load of {@code count} of them. */
    private Step measure(int count, int interval, int warmup, int duration) throws InterruptedException {
        registerUpTo(count);
        progress("%d workers, one heartbeat each per %d s (%d/s): %d s warm-up, %d s measured",
                count, interval, count / interval, warmup, duration);
        return heartbeat(workers.subList(0, count), interval, warmup, duration);
    }

    private void registerUpTo(int count) throws InterruptedException {
        if (workers.size() >= count) {
            return;
        }
        progress("registering workers %d to %d", workers.size() + 1, count);
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<SimulatedWorker>> pending = new ArrayList<>();
        for (int i = workers.size(); i < count; i++) {
            inFlight.acquire();
            String machineId = "bench-" + runId + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/workers"))
                    .header("Authorization", "Bearer " + joinToken).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(registration(machineId)))
                    .build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("registration failed: " + response.statusCode() + " "
                                    + response.body());
                        }
                        return new SimulatedWorker("/api/v1/workers/" + find(WORKER_ID, response.body()) + "/heartbeat",
                                "Bearer " + find(WORKER_TOKEN, response.body()));
                    }));
        }
        for (CompletableFuture<SimulatedWorker> worker : pending) {
            workers.add(worker.join());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress("registered %d workers in %.1f s (%.0f/s)", pending.size(), seconds, pending.size() / seconds);
    }

    private Step heartbeat(List<SimulatedWorker> load, int intervalSeconds, int warmupSeconds, int durationSeconds)
            throws InterruptedException {
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLongArray latencies = new AtomicLongArray(BUCKETS);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        long intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
        String[] bodies = {heartbeatBody("IDLE"), heartbeatBody("ACTIVE")};

        for (SimulatedWorker worker : load) {
            long phase = ThreadLocalRandom.current().nextLong(intervalNanos);
            ticker.scheduleAtFixedRate(() -> {
                long due = System.nanoTime();
                if (due >= measureUntil) {
                    return;
                }
                boolean measured = due >= measureFrom;
                if (!inFlight.tryAcquire()) {
                    if (measured) {
                        errors.incrementAndGet();
                    }
                    return;
                }
                HttpRequest request = HttpRequest.newBuilder(base.resolve(worker.path()))
                        .header("Authorization", worker.authorization()).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .PUT(HttpRequest.BodyPublishers.ofString(bodies[ThreadLocalRandom.current().nextInt(2)])).build();
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    inFlight.release();
                    if (!measured) {
                        return;
                    }
                    if (failure != null || response.statusCode() != 200) {
                        errors.incrementAndGet();
                    } else {
                        completed.incrementAndGet();
                        long bucket = (System.nanoTime() - due) / 1000 / BUCKET_MICROS;
                        latencies.incrementAndGet((int) Math.min(BUCKETS - 1, bucket));
                    }
                });
            }, phase, intervalNanos, TimeUnit.NANOSECONDS);
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, measureUntil - System.nanoTime()));
        ticker.shutdownNow();
        // Let the last measured requests finish (or time out) before counting.
        if (inFlight.tryAcquire(maxInFlight, 15, TimeUnit.SECONDS)) {
            inFlight.release(maxInFlight);
        }
        double expectedPerSec = load.size() / (double) intervalSeconds;
        return new Step(load.size(), expectedPerSec, completed.get() / (double) durationSeconds,
                percentileMs(latencies, completed.get(), 0.50), percentileMs(latencies, completed.get(), 0.99),
                errors.get());
    }

    private static double percentileMs(AtomicLongArray histogram, long count, double p) {
        if (count == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p * count);
        long seen = 0;
        for (int i = 0; i < histogram.length(); i++) {
            seen += histogram.get(i);
            if (seen >= rank) {
                return (i + 1) * BUCKET_MICROS / 1000.0; // upper edge of the bucket
            }
        }
        return histogram.length() * BUCKET_MICROS / 1000.0;
    }

    private static String registration(String machineId) {
        return """
                {"machineId":"%s","hostname":"%s","agentVersion":"bench","cores":8,"memoryMiB":16384,"jobCpus":4,\
                "cpuModel":"bench","cpuFlags":["sse4_2","avx2"],"benchmarkScore":1.0,"podmanVersion":"4.3.1",\
                "criuVersion":"4.1.1","ociRuntime":"runc","cgroupVersion":1,"arch":"amd64","labels":{"bench":"true"}}"""
                .formatted(machineId, machineId);
    }

    private static String heartbeatBody(String ownerState) {
        return """
                {"ownerState":"%s","freeCpus":2.0,"freeMemoryMiB":8000,"load":1.5,"containers":[\
                {"jobId":"job-1","epoch":3,"state":"running","cpuSeconds":120.5,"rssMiB":256},\
                {"jobId":"job-2","epoch":1,"state":"running","cpuSeconds":33.0,"rssMiB":512}]}""".formatted(ownerState);
    }

    private static String find(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("unexpected registration answer: " + body);
        }
        return matcher.group(1);
    }

    static void progress(String format, Object... args) {
        System.err.println("bench registry: " + String.format(Locale.ROOT, format, args));
    }

    private record SimulatedWorker(String path, String authorization) {
    }

    private record Step(int workers, double targetPerSec, double heartbeatsPerSec, double p50Ms, double p99Ms,
                        long errors) {

        boolean keptUp() {
            return errors == 0 && p99Ms <= MAX_P99_MS && heartbeatsPerSec >= MIN_RATE_SHARE * targetPerSec;
        }

        String json(boolean step) {
            return String.format(Locale.ROOT, "{\"bench\":\"registry\",%s\"workers\":%d,\"targetPerSec\":%.1f,"
                            + "\"heartbeatsPerSec\":%.1f,\"p50Ms\":%.1f,\"p99Ms\":%.1f,\"errors\":%d%s}",
                    step ? "\"step\":true," : "", workers, targetPerSec, heartbeatsPerSec, p50Ms, p99Ms, errors,
                    step ? ",\"keptUp\":" + keptUp() : "");
        }
    }

    private record Options(int workers, int interval, int duration, boolean knee, boolean fsync, int maxInFlight) {

        static Options parse(List<String> args) {
            int workers = 10_000;
            int interval = 10;
            int duration = 30;
            boolean knee = true;
            boolean fsync = true;
            int maxInFlight = 1024;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--workers" -> workers = positive(arg, args, ++i);
                    case "--interval" -> interval = positive(arg, args, ++i);
                    case "--duration" -> duration = positive(arg, args, ++i);
                    case "--max-in-flight" -> maxInFlight = positive(arg, args, ++i);
                    case "--no-knee" -> knee = false;
                    case "--no-fsync" -> fsync = false;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            return new Options(workers, interval, duration, knee, fsync, maxInFlight);
        }

        private static int positive(String name, List<String> args, int i) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            try {
                int value = Integer.parseInt(args.get(i));
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // explained below
            }
            throw new IllegalArgumentException(name + " needs a positive integer, got " + args.get(i));
        }
    }

    /** PostgreSQL, a signing key pair and the registry process; {@link #close()} undoes all of it, once. */
    private static final class Environment implements AutoCloseable {

        private final Path registryLog;
        private final String joinToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile LocalPostgres postgres;
        private volatile Process registry;
        private volatile Path dir;

        Environment(Path registryLog) {
            this.registryLog = registryLog;
        }

        /** Starts everything and returns the registry's base URI once it is ready. */
        URI start(Path jar, boolean fsync) throws IOException, InterruptedException {
            progress("starting PostgreSQL (%s)", fsync ? "fsync on" : "fsync off");
            postgres = LocalPostgres.start(fsync
                    ? Map.of("fsync", "on", "full_page_writes", "on", "synchronous_commit", "on")
                    : Map.of());
            postgres.createDatabase(DATABASE);
            dir = Files.createTempDirectory("upc-bench-registry-");
            KeyPair keys = rsaKeyPair();
            Path publicKey = dir.resolve("public.pem");
            Path privateKey = dir.resolve("private.pem");
            Files.writeString(publicKey, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            int port = freePort();
            List<String> command = List.of(javaCommand(), "-Xmx256m",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.username=" + LocalPostgres.USER,
                    "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(DATABASE),
                    "-Dquarkus.datasource.reactive.url=" + postgres.reactiveUrl(DATABASE),
                    "-Dupc.registry.join-token=" + joinToken,
                    "-Dmp.jwt.verify.publickey.location=file:" + publicKey,
                    "-Dsmallrye.jwt.sign.key.location=file:" + privateKey,
                    "-Dupc.registry.admin-token-file=" + dir.resolve("admin.jwt"),
                    "-jar", jar.toString());
            Files.createDirectories(registryLog.getParent());
            progress("starting the registry on port %d (log: %s)", port, registryLog);
            registry = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(registryLog.toFile()).start();
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitReady(base, Duration.ofSeconds(90));
            return base;
        }

        private void awaitReady(URI base, Duration timeout) throws IOException, InterruptedException {
            HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    if (probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        progress("registry ready");
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!registry.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the registry " + (registry.isAlive() ? "did not become ready within "
                            + timeout.toSeconds() + " s" : "exited with " + registry.exitValue())
                            + "; its log ends with:\n" + tail(registryLog, 30));
                }
                Thread.sleep(250);
            }
        }

        @Override
        public void close() {
            if (postgres == null && registry == null || !closed.compareAndSet(false, true)) {
                return;
            }
            Process process = registry;
            if (process != null) {
                progress("stopping the registry");
                process.destroy();
                try {
                    if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            if (postgres != null) {
                progress("stopping PostgreSQL");
                postgres.close();
            }
            if (dir != null) {
                deleteTree(dir);
            }
        }

        private static String javaCommand() {
            return ProcessHandle.current().info().command().orElse("java");
        }

        private static String tail(Path file, int lines) {
            try {
                List<String> all = Files.readAllLines(file);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e.getMessage() + ")";
            }
        }

        private static KeyPair rsaKeyPair() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }

        private static void deleteTree(Path root) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                progress("could not delete %s: %s", root, e.getMessage());
            }
        }
    }
}
