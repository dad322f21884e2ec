package dev.upc.e2e.bench;

import dev.upc.e2e.WorkDirectory;
import dev.upc.localpg.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * p99 instead of silently slowing the load (no coordinated omission). Heartbeats go over {@code --connections}
 * persistent HTTP/1.1 connections (default 32), one request at a time on each; a heartbeat due while all of them are
 * busy waits for the next free one (reported as late on stderr, and its wait is in its latency). A heartbeat that is
 * due while {@code --max-in-flight} heartbeats are outstanding (sent or waiting for a connection) counts as an error,
 * as does any answer other than a 200 with a desiredState, a failed connection or no answer within 10 s. The load
 * generator shares the machine's cores with the registry and PostgreSQL, so the knee is that of the whole box; it is
 * kept cheap (one scheduler thread, one reader thread, pre-encoded requests) to leave them the CPU. Registration,
 * which is not measured, uses the JDK HTTP client.
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
    /** Room for a worker's request line and headers (its token is most of it); the shared tail is far smaller. */
    private static final int MAX_HEAD_BYTES = 6144;

    private final HttpClient http;
    private final ExecutorService httpExecutor;
    private final URI base;
    private final String joinToken;
    private final int maxInFlight;
    private final int connections;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<SimulatedWorker> workers = new ArrayList<>();

    private RegistryBench(URI base, String joinToken, int maxInFlight, int connections) {
        this.base = base;
        this.joinToken = joinToken;
        this.maxInFlight = maxInFlight;
        this.connections = connections;
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
                    + " [--no-knee] [--no-fsync] [--max-in-flight 1024] [--connections 32]");
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
            bench = new RegistryBench(base, environment.joinToken, options.maxInFlight(), options.connections());
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
                        return new SimulatedWorker(heartbeatHead(find(WORKER_ID, response.body()),
                                find(WORKER_TOKEN, response.body())));
                    }));
        }
        for (CompletableFuture<SimulatedWorker> worker : pending) {
            workers.add(worker.join());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress("registered %d workers in %.1f s (%.0f/s)", pending.size(), seconds, pending.size() / seconds);
    }

    /**
     * Runs the open-loop heartbeat load of {@code load} and measures it. The calling thread is the scheduler: every
     * worker gets a random phase within the interval and the heartbeats are sent in due order, each the moment it is
     * due, over {@link HeartbeatConnections}; latency counts from the due time, not from the send.
     */
    private Step heartbeat(List<SimulatedWorker> load, int intervalSeconds, int warmupSeconds, int durationSeconds)
            throws InterruptedException {
        int n = load.size();
        long intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // Worker order[k] is due at phases[k] (sorted) into every interval: a random phase per worker.
        long[] phases = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            phases[i] = random.nextLong(intervalNanos);
            order[i] = i;
        }
        Arrays.sort(phases);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        HeartbeatConnections client;
        try {
            client = new HeartbeatConnections(new InetSocketAddress(base.getHost(), base.getPort()), connections,
                    maxInFlight, new byte[][] {heartbeatTail("IDLE"), heartbeatTail("ACTIVE")});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to the registry", e);
        }
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        try {
            schedule:
            for (long roundStart = start; ; roundStart += intervalNanos) {
                for (int k = 0; k < n; k++) {
                    long due = roundStart + phases[k];
                    if (due >= measureUntil) {
                        break schedule;
                    }
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                    }
                    client.dispatch(load.get(order[k]).request(), due, due >= measureFrom);
                }
            }
            // Let the last measured requests finish (or time out) before counting.
            client.awaitIdle(TimeUnit.SECONDS.toNanos(15));
        } finally {
            client.close();
        }
        if (client.late.get() > 0) {
            progress("%d measured heartbeats waited for a free connection (of %d)", client.late.get(), connections);
        }
        double expectedPerSec = n / (double) intervalSeconds;
        long completed = client.completed.get();
        return new Step(n, expectedPerSec, completed / (double) durationSeconds,
                percentileMs(client.latencies, completed, 0.50), percentileMs(client.latencies, completed, 0.99),
                client.errors.get());
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

    /** The start of a worker's heartbeat request: request line, Host and its own token. */
    private byte[] heartbeatHead(String workerId, String workerToken) {
        byte[] head = ("PUT /api/v1/workers/" + workerId + "/heartbeat HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nAuthorization: Bearer " + workerToken + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        if (head.length > MAX_HEAD_BYTES) {
            throw new IllegalStateException("heartbeat request head of " + head.length + " bytes");
        }
        return head;
    }

    /** The rest of a heartbeat request, the same for all workers: content headers and the JSON body. */
    private static byte[] heartbeatTail(String ownerState) {
        byte[] body = heartbeatBody(ownerState).getBytes(StandardCharsets.UTF_8);
        byte[] headers = ("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = Arrays.copyOf(headers, headers.length + body.length);
        System.arraycopy(body, 0, tail, headers.length, body.length);
        return tail;
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

    /**
     * The heartbeat client: a fixed pool of persistent HTTP/1.1 connections to the registry, one request at a time on
     * each (no pipelining), so the load generator costs little CPU next to the registry and PostgreSQL it measures.
     * Requests are pre-encoded bytes (a worker's request line and token, then one of two shared header-and-body
     * tails); responses are parsed just enough: status line, Content-Length or chunked body, and the body must hold
     * a desiredState.
     *
     * <p>The scheduler thread sends on a free connection picked round-robin; when all are busy the heartbeat waits in
     * a FIFO backlog (counted as late, still measured from its due time) and goes out on the next connection that
     * frees up. One reader thread parses the responses of all connections (one selector), records the latencies and
     * sends the backlog. A heartbeat is an error if its answer is not a 200 with a desiredState, if its connection
     * fails or it gets no answer within {@link #TIMEOUT_NANOS}, or if {@code maxInFlight} heartbeats are already
     * outstanding (sent or waiting) when it is due. Broken connections are opened again by the reader.
     */
    private static final class HeartbeatConnections implements AutoCloseable {

        private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
        private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        private static final long RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
        private static final int IDLE = 0;
        private static final int IN_FLIGHT = 1;
        private static final int BROKEN = 2;
        private static final byte[] DESIRED_STATE = "\"desiredState\":\"".getBytes(StandardCharsets.US_ASCII);

        final AtomicLongArray latencies = new AtomicLongArray(BUCKETS);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        private final InetSocketAddress address;
        private final int maxInFlight;
        private final byte[][] tails;
        private final Connection[] connections;
        private final Selector selector;
        private final AtomicInteger outstanding = new AtomicInteger();
        private final AtomicInteger cursor = new AtomicInteger();
        private final Queue<Pending> backlog = new ConcurrentLinkedQueue<>();
        private final Thread reader;
        private volatile boolean running = true;
        private long nextTick;

        HeartbeatConnections(InetSocketAddress address, int connectionCount, int maxInFlight, byte[][] tails)
                throws IOException {
            this.address = address;
            this.maxInFlight = maxInFlight;
            this.tails = tails;
            this.selector = Selector.open();
            this.connections = new Connection[connectionCount];
            try {
                for (int i = 0; i < connectionCount; i++) {
                    connections[i] = new Connection();
                    connect(connections[i]);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
            reader = new Thread(this::readLoop, "bench-registry-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends one heartbeat due at {@code due} (scheduler thread). */
        void dispatch(byte[] request, long due, boolean measured) {
            if (outstanding.incrementAndGet() > maxInFlight) {
                outstanding.decrementAndGet();
                if (measured) {
                    errors.incrementAndGet();
                }
                return;
            }
            Connection connection = backlog.isEmpty() ? acquire() : null;
            if (connection != null) {
                send(connection, request, due, measured);
                return;
            }
            if (measured) {
                late.incrementAndGet();
            }
            backlog.add(new Pending(request, due, measured));
            sendBacklog();
        }

        /** Waits until every heartbeat has been answered or failed, at most {@code timeoutNanos}. */
        void awaitIdle(long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            running = false;
            selector.wakeup();
            if (reader != null) {
                try {
                    reader.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // What is still outstanding never got its answer: the HTTP client's timeout would have failed it.
            for (Connection connection : connections) {
                if (connection != null && connection.state.compareAndSet(IN_FLIGHT, BROKEN) && connection.measured) {
                    errors.incrementAndGet();
                }
                if (connection != null) {
                    closeQuietly(connection.channel);
                }
            }
            for (Pending pending; (pending = backlog.poll()) != null; ) {
                if (pending.measured()) {
                    errors.incrementAndGet();
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }

        private Connection acquire() {
            int n = connections.length;
            int first = cursor.getAndIncrement();
            for (int i = 0; i < n; i++) {
                Connection connection = connections[Math.floorMod(first + i, n)];
                if (connection.state.get() == IDLE && connection.state.compareAndSet(IDLE, IN_FLIGHT)) {
                    return connection;
                }
            }
            return null;
        }

        /** Sends waiting heartbeats while connections are free (scheduler or reader thread). */
        private void sendBacklog() {
            while (!backlog.isEmpty()) {
                Connection connection = acquire();
                if (connection == null) {
                    return; // the reader sends the backlog when a connection frees up
                }
                Pending pending = backlog.poll();
                if (pending == null) {
                    connection.state.set(IDLE);
                } else {
                    send(connection, pending.request(), pending.due(), pending.measured());
                }
            }
        }

        /** Writes one request on a connection this thread has acquired. */
        private void send(Connection connection, byte[] request, long due, boolean measured) {
            connection.due = due;
            connection.measured = measured;
            connection.sentAt = System.nanoTime();
            SocketChannel channel = connection.channel;
            ByteBuffer out = connection.out;
            out.clear();
            out.put(request).put(tails[ThreadLocalRandom.current().nextInt(tails.length)]).flip();
            try {
                // The connection has nothing else outstanding, so the socket buffer takes the whole request at once;
                // count down locally: once it is out, the answer may free the connection for another thread.
                int remaining = out.remaining();
                long stalledSince = 0;
                while (remaining > 0) {
                    int written = channel.write(out);
                    remaining -= written;
                    if (written > 0) {
                        stalledSince = 0;
                    } else if (stalledSince == 0) {
                        stalledSince = System.nanoTime();
                    } else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(1)) {
                        throw new IOException("write stalled");
                    } else {
                        LockSupport.parkNanos(50_000);
                    }
                }
            } catch (IOException e) {
                closeQuietly(channel);
                fail(connection);
            }
        }

        /** Ends the request in flight on a connection as an error and leaves the connection to be reopened. */
        private void fail(Connection connection) {
            boolean measured = connection.measured;
            if (connection.state.compareAndSet(IN_FLIGHT, BROKEN)) {
                outstanding.decrementAndGet();
                if (measured) {
                    errors.incrementAndGet();
                }
            }
        }

        private void readLoop() {
            nextTick = System.nanoTime() + TICK_NANOS;
            while (running) {
                try {
                    selector.select(this::readable, TimeUnit.NANOSECONDS.toMillis(TICK_NANOS));
                } catch (IOException | ClosedSelectorException e) {
                    return;
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    nextTick = now + TICK_NANOS;
                    tick(now);
                }
            }
        }

        private void readable(SelectionKey key) {
            Connection connection = (Connection) key.attachment();
            SocketChannel channel = (SocketChannel) key.channel();
            if (channel != connection.channel) {
                return; // an old channel of a reopened connection
            }
            ByteBuffer in = connection.in;
            int read;
            try {
                read = channel.read(in);
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                lost(connection, channel);
                return;
            }
            int length = parse(connection, in.array(), in.position());
            if (length == 0) {
                if (!in.hasRemaining()) { // an answer larger than the buffer: not a heartbeat answer
                    lost(connection, channel);
                }
                return;
            }
            long now = System.nanoTime();
            int left = in.position() - length;
            System.arraycopy(in.array(), length, in.array(), 0, left);
            in.position(left);
            boolean ok = connection.status == 200 && connection.desiredState;
            long due = connection.due;
            boolean measured = connection.measured;
            connection.sentAt = 0;
            if (connection.closeAfter) {
                closeQuietly(channel);
            }
            if (!connection.state.compareAndSet(IN_FLIGHT, connection.closeAfter ? BROKEN : IDLE)) {
                return; // an answer nobody waits for any more (already failed)
            }
            outstanding.decrementAndGet();
            if (measured) {
                if (ok) {
                    latencies.incrementAndGet((int) Math.min(BUCKETS - 1, (now - due) / 1000 / BUCKET_MICROS));
                    completed.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            }
            sendBacklog();
        }

        /** The connection closed or failed: the request on it, if any, is an error; reopened on the next tick. */
        private void lost(Connection connection, SocketChannel channel) {
            closeQuietly(channel);
            if (!connection.state.compareAndSet(IDLE, BROKEN)) {
                fail(connection);
            }
        }

        /** Times out requests without an answer and reopens broken connections (reader thread). */
        private void tick(long now) {
            for (Connection connection : connections) {
                long sentAt = connection.sentAt;
                if (connection.state.get() == IN_FLIGHT && sentAt != 0 && now - sentAt > TIMEOUT_NANOS) {
                    closeQuietly(connection.channel);
                    fail(connection);
                }
            }
            boolean reopened = false;
            for (Connection connection : connections) {
                if (connection.state.get() == BROKEN && now >= connection.reconnectAt) {
                    try {
                        connect(connection);
                        reopened = true;
                    } catch (IOException e) {
                        connection.reconnectAt = now + RECONNECT_NANOS;
                    }
                }
            }
            if (reopened) {
                sendBacklog();
            }
        }

        /** Opens the connection's channel and marks it idle (constructor or reader thread). */
        private void connect(Connection connection) throws IOException {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.socket().connect(address, 5000);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, connection);
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
            connection.in.clear();
            connection.sentAt = 0;
            connection.channel = channel;
            connection.state.set(IDLE);
        }

        /**
         * Parses the answer at the start of {@code data}: its length once complete (status, closeAfter and
         * desiredState set on the connection), 0 while incomplete.
         */
        private static int parse(Connection connection, byte[] data, int length) {
            int headerEnd = indexOf(data, 0, length, CRLF_CRLF);
            if (headerEnd < 0) {
                return 0;
            }
            int status = -1;
            if (length >= 12 && startsWith(data, 0, "HTTP/1.")) {
                status = (data[9] - '0') * 100 + (data[10] - '0') * 10 + (data[11] - '0');
            }
            long contentLength = -1;
            boolean chunked = false;
            boolean closeAfter = false;
            for (int line = indexOf(data, 0, headerEnd, CRLF) + 2; line > 1 && line < headerEnd; ) {
                int end = indexOf(data, line, headerEnd + 2, CRLF);
                if (startsWithIgnoreCase(data, line, end, "content-length:")) {
                    contentLength = parseDecimal(data, line + "content-length:".length(), end);
                } else if (startsWithIgnoreCase(data, line, end, "transfer-encoding:")) {
                    chunked = containsIgnoreCase(data, line, end, "chunked");
                } else if (startsWithIgnoreCase(data, line, end, "connection:")) {
                    closeAfter = containsIgnoreCase(data, line, end, "close");
                }
                line = end + 2;
            }
            int bodyStart = headerEnd + 4;
            int total;
            boolean desiredState;
            if (chunked) {
                // De-chunk into the connection's scratch array, then look for the desired state.
                int position = bodyStart;
                int bodyLength = 0;
                while (true) {
                    int sizeEnd = indexOf(data, position, length, CRLF);
                    if (sizeEnd < 0) {
                        return 0;
                    }
                    long size = parseHex(data, position, sizeEnd);
                    if (size < 0) {
                        total = length; // malformed: take all, fail it, and close the connection
                        status = -1;
                        closeAfter = true;
                        break;
                    }
                    position = sizeEnd + 2;
                    if (size == 0) {
                        int trailerEnd = length >= position + 2 && data[position] == '\r' && data[position + 1] == '\n'
                                ? position + 2 : indexOf(data, position, length, CRLF_CRLF) + 4;
                        if (trailerEnd < 4) {
                            return 0;
                        }
                        total = trailerEnd;
                        break;
                    }
                    if (position + size + 2 > length) {
                        return 0;
                    }
                    if (bodyLength + size > connection.body.length) {
                        connection.body = Arrays.copyOf(connection.body, (int) (bodyLength + size) * 2);
                    }
                    System.arraycopy(data, position, connection.body, bodyLength, (int) size);
                    bodyLength += (int) size;
                    position += (int) size + 2;
                }
                desiredState = indexOf(connection.body, 0, bodyLength, DESIRED_STATE) >= 0;
            } else if (contentLength >= 0) {
                if (bodyStart + contentLength > length) {
                    return 0;
                }
                total = (int) (bodyStart + contentLength);
                desiredState = indexOf(data, bodyStart, total, DESIRED_STATE) >= 0;
            } else {
                // No length: the body would end with the connection; not what the registry answers. Fail and close.
                total = length;
                desiredState = false;
                closeAfter = true;
            }
            connection.status = status;
            connection.closeAfter = closeAfter;
            connection.desiredState = desiredState;
            return total;
        }

        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

        private static int indexOf(byte[] data, int from, int to, byte[] needle) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private static boolean startsWith(byte[] data, int from, String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (data[from + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean startsWithIgnoreCase(byte[] data, int from, int to, String lowerPrefix) {
            if (to - from < lowerPrefix.length()) {
                return false;
            }
            for (int i = 0; i < lowerPrefix.length(); i++) {
                if (Character.toLowerCase((char) data[from + i]) != lowerPrefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean containsIgnoreCase(byte[] data, int from, int to, String lower) {
            for (int i = from; i <= to - lower.length(); i++) {
                if (startsWithIgnoreCase(data, i, to, lower)) {
                    return true;
                }
            }
            return false;
        }

        private static long parseDecimal(byte[] data, int from, int to) {
            long value = -1;
            for (int i = from; i < to; i++) {
                byte b = data[i];
                if (b >= '0' && b <= '9') {
                    value = (value < 0 ? 0 : value * 10) + (b - '0');
                } else if (b != ' ' && b != '\t') {
                    return -1;
                }
            }
            return value;
        }

        /** The chunk size of a chunk-size line (extensions after ';' ignored); -1 if malformed. */
        private static long parseHex(byte[] data, int from, int to) {
            long value = -1;
            for (int i = from; i < to && data[i] != ';'; i++) {
                int digit = Character.digit(data[i], 16);
                if (digit < 0 || value > (1L << 40)) {
                    return data[i] == ' ' || data[i] == '\t' ? value : -1;
                }
                value = (value < 0 ? 0 : value * 16) + digit;
            }
            return value;
        }

        private static void closeQuietly(SocketChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        /** One persistent connection; {@link #state} says who may use it. */
        private static final class Connection {

            final AtomicInteger state = new AtomicInteger(BROKEN);
            /** The request being written (by whichever thread acquired the connection). */
            final ByteBuffer out = ByteBuffer.allocateDirect(MAX_HEAD_BYTES + 2048);
            /** Answer bytes so far; the reader thread only, as the fields below it. */
            final ByteBuffer in = ByteBuffer.allocate(16384);
            byte[] body = new byte[256];
            int status;
            boolean closeAfter;
            boolean desiredState;
            long reconnectAt;
            volatile SocketChannel channel;
            /** The request in flight: when it was due, whether it counts, when it was written (0: not yet). */
            volatile long due;
            volatile boolean measured;
            volatile long sentAt;
        }

        private record Pending(byte[] request, long due, boolean measured) {
        }
    }

    /** A registered worker: its heartbeat's request line and headers up to the shared tail, as sent. */
    private record SimulatedWorker(byte[] request) {
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

    private record Options(int workers, int interval, int duration, boolean knee, boolean fsync, int maxInFlight,
                           int connections) {

        static Options parse(List<String> args) {
            int workers = 10_000;
            int interval = 10;
            int duration = 30;
            boolean knee = true;
            boolean fsync = true;
            int maxInFlight = 1024;
            int connections = 32;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--workers" -> workers = positive(arg, args, ++i);
                    case "--interval" -> interval = positive(arg, args, ++i);
                    case "--duration" -> duration = positive(arg, args, ++i);
                    case "--max-in-flight" -> maxInFlight = positive(arg, args, ++i);
                    case "--connections" -> connections = positive(arg, args, ++i);
                    case "--no-knee" -> knee = false;
                    case "--no-fsync" -> fsync = false;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            return new Options(workers, interval, duration, knee, fsync, maxInFlight, connections);
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
            try {
                WorkDirectory.delete(root);
            } catch (IOException e) {
                progress("could not delete %s: %s", root, e.getMessage());
            }
        }
    }
}
