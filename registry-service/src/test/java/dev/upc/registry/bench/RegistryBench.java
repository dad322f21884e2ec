package dev.upc.registry.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulates many workers heartbeating against a running registry and prints one JSON line per step:
 * {@code {"bench":"registry","workers":…,"heartbeatsPerSec":…,"p99Ms":…,"errors":0}}.
 *
 * <p>Open loop: each worker heartbeats every interval at its own random phase whether or not earlier answers
 * came back, and latency is measured from the moment the heartbeat was due, so a registry that falls behind
 * shows it in p99 instead of silently slowing the load (no coordinated omission). A heartbeat that cannot even
 * be sent because max-in-flight requests are outstanding counts as an error.
 *
 * <p>Only the JDK is needed: {@code java -cp registry-service/target/test-classes dev.upc.registry.bench.RegistryBench
 * url=http://127.0.0.1:8080 join-token=… workers=10000 interval=10 duration=30 [steps=1000,5000,10000,20000]}.
 */
public final class RegistryBench {

    private static final Pattern WORKER_ID = Pattern.compile("\"workerId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WORKER_TOKEN = Pattern.compile("\"workerToken\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String joinToken;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private RegistryBench(URI base, String joinToken) {
        this.base = base;
        this.joinToken = joinToken;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                System.err.println("usage: RegistryBench url=http://host:port join-token=T [workers=10000] [interval=10]"
                        + " [duration=30] [warmup=10] [steps=N,N,…] [max-in-flight=512]");
                System.exit(2);
            }
            options.put(arg.substring(0, eq).replaceFirst("^--", ""), arg.substring(eq + 1));
        }
        var bench = new RegistryBench(URI.create(options.getOrDefault("url", "http://127.0.0.1:8080")),
                require(options, "join-token"));
        int interval = Integer.parseInt(options.getOrDefault("interval", "10"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "30"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "10"));
        int maxInFlight = Integer.parseInt(options.getOrDefault("max-in-flight", "512"));
        int[] steps = Arrays.stream(options.getOrDefault("steps", options.getOrDefault("workers", "10000")).split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();

        bench.awaitReady(Duration.ofSeconds(60));
        List<Worker> workers = new ArrayList<>();
        for (int step : steps) {
            bench.registerUpTo(workers, step);
            Result result = bench.run(workers.subList(0, step), interval, warmup, duration, maxInFlight);
            System.out.println(result.json());
        }
        System.exit(0);
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the registry at " + base + " did not become ready within " + timeout);
            }
            Thread.sleep(250);
        }
    }

    private void registerUpTo(List<Worker> workers, int count) throws InterruptedException {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Worker>> pending = new ArrayList<>();
        for (int i = workers.size(); i < count; i++) {
            inFlight.acquire();
            String body = registration("bench-" + runId + "-" + i);
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/workers"))
                    .header("Authorization", "Bearer " + joinToken).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("registration failed: " + response.statusCode() + " " + response.body());
                        }
                        return new Worker(find(WORKER_ID, response.body()), find(WORKER_TOKEN, response.body()));
                    }));
        }
        for (CompletableFuture<Worker> worker : pending) {
            workers.add(worker.join());
        }
    }

    private Result run(List<Worker> workers, int intervalSeconds, int warmupSeconds, int durationSeconds,
                       int maxInFlight) throws InterruptedException {
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
        Semaphore inFlight = new Semaphore(maxInFlight);
        ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        long intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
        String[] bodies = {heartbeat("IDLE"), heartbeat("ACTIVE")};

        for (Worker worker : workers) {
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
                HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/workers/" + worker.id() + "/heartbeat"))
                        .header("Authorization", "Bearer " + worker.token()).header("Content-Type", "application/json")
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
                        latenciesMicros.add((System.nanoTime() - due) / 1000);
                    }
                });
            }, phase, intervalNanos, TimeUnit.NANOSECONDS);
        }
        long waitNanos = measureUntil - System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, waitNanos - TimeUnit.SECONDS.toNanos(10)));
        ticker.shutdownNow();
        // Let the last measured requests finish (or time out) before counting.
        inFlight.tryAcquire(maxInFlight, 10, TimeUnit.SECONDS);

        long[] sorted = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(workers.size(), completed.get() / (double) durationSeconds,
                percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.99) / 1000.0, errors.get());
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String registration(String machineId) {
        return """
                {"machineId":"%s","hostname":"%s","agentVersion":"bench","cores":8,"memoryMiB":16384,"jobCpus":4,\
                "cpuModel":"bench","cpuFlags":["sse4_2","avx2"],"benchmarkScore":1.0,"podmanVersion":"4.3.1",\
                "criuVersion":"4.1.1","ociRuntime":"runc","cgroupVersion":1,"arch":"amd64","labels":{"bench":"true"}}"""
                .formatted(machineId, machineId);
    }

    private static String heartbeat(String ownerState) {
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

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            System.err.println("missing " + name + "=…");
            System.exit(2);
        }
        return value;
    }

    private record Worker(String id, String token) {
    }

    private record Result(int workers, double heartbeatsPerSec, double p50Ms, double p99Ms, long errors) {
        String json() {
            return String.format(Locale.ROOT,
                    "{\"bench\":\"registry\",\"workers\":%d,\"heartbeatsPerSec\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"errors\":%d}",
                    workers, heartbeatsPerSec, p50Ms, p99Ms, errors);
        }
    }
}
