package dev.upc.e2e.cluster;

import dev.upc.e2e.WorkDirectory;
import dev.upc.localpg.LocalPostgres;
import dev.upc.protocol.CheckpointId;
import dev.upc.protocol.Tokens.Issuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real UPC control plane on this machine for end-to-end tests and {@code ./upc demo}: one private PostgreSQL
 * ({@link LocalPostgres}, a database each for the registry and the scheduler), one RS256 key pair made for the run,
 * and the packaged registry, scheduler and checkpoint store as separate {@code java -jar quarkus-run.jar} processes
 * on free ports of 127.0.0.1, each with its log in the work dir. {@link #close()} stops everything and deletes the
 * work dir (unless kept for debugging).
 *
 * <pre>
 * try (ServiceCluster cluster = ServiceCluster.start()) {
 *     JobInfo job = cluster.admin().submit(submission);
 *     ... an agent registers at cluster.registryUrl() with cluster.joinToken() ...
 * }
 * </pre>
 *
 * <p>The services are started in parallel (the store even before PostgreSQL is up), and each one is awaited on
 * {@code /q/health/ready}; the scheduler's readiness includes "the registry answers", so a ready cluster is a
 * connected one. Tokens ({@link ClusterKeys}): the registry signs worker tokens with its key, the scheduler user,
 * capability and service tokens with its own; everyone verifies with the JWK set of the run's public keys, which
 * binds each key to its kinds; {@link #adminToken()} is signed here, with the admin key no service holds.
 */
public final class ServiceCluster implements AutoCloseable {

    /** The three services of the control plane. */
    public enum Service {
        REGISTRY("registry", "registry-service"),
        SCHEDULER("scheduler", "scheduler-service"),
        STORE("store", "checkpoint-store");

        private final String shortName;
        private final String module;

        Service(String shortName, String module) {
            this.shortName = shortName;
            this.module = module;
        }

        public String shortName() {
            return shortName;
        }

        /** The Maven module whose {@code target/quarkus-app} holds the packaged service. */
        public String module() {
            return module;
        }
    }

    static final String REGISTRY_DATABASE = "upc_registry";
    static final String SCHEDULER_DATABASE = "upc_scheduler";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration READY_POLL = Duration.ofMillis(100);
    /** Keys of the scheduler's store URL, in whatever shape the packaged scheduler has it (see storeUrlKeys). */
    private static final Pattern STORE_URL_KEY =
            Pattern.compile("upc\\.scheduler\\.store[.-]url|quarkus\\.rest-client\\.\"?[\\w-]*store[\\w-]*\"?\\.url");

    private final Builder settings;
    private final Path workDir;
    private final long createdNanos = System.nanoTime();
    private final String joinToken = "join-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private ClusterKeys keys;
    private ClusterTls tls;
    private String adminToken;
    private LocalPostgres postgres;
    private final Thread closeOnExit = new Thread(this::close, "service-cluster-close");
    private dev.upc.cli.client.UpcClient admin;
    private boolean keepWorkDir;
    private boolean closed;

    private ServiceCluster(Builder settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
        this.keepWorkDir = settings.keepWorkDir;
        // The services are separate processes: they would outlive a JVM that exits without close().
        if (settings.closeOnExit) {
            Runtime.getRuntime().addShutdownHook(closeOnExit);
        }
    }

    /** A cluster with the defaults of {@link Builder}. */
    public static ServiceCluster start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI registryUrl() {
        return url(Service.REGISTRY);
    }

    public URI schedulerUrl() {
        return url(Service.SCHEDULER);
    }

    public URI storeUrl() {
        return url(Service.STORE);
    }

    /** {@code http://127.0.0.1:<port>} ({@code https} with {@link Builder#tls}): the same across restarts. */
    public URI url(Service service) {
        return services.get(service).url();
    }

    /** The cluster join token the registry accepts on {@code POST /api/v1/workers}. */
    public String joinToken() {
        return joinToken;
    }

    /** A token of group {@code admin}, valid for a day, accepted by all three services. */
    public String adminToken() {
        return adminToken;
    }

    /** The CA the services' HTTPS chains to, with {@link Builder#tls}; else null. */
    public Path caFile() {
        return tls == null ? null : tls.caCertificate();
    }

    /** The run's keys: to sign other tokens (a user's, a store capability) for negative tests. */
    public ClusterKeys keys() {
        return keys;
    }

    public Path workDir() {
        return workDir;
    }

    /** The service's log (all its runs, each after a {@code ===} marker line). */
    public Path logFile(Service service) {
        return services.get(service).log();
    }

    /** Jobs, workers and blobs with the admin token. */
    /** Keep the work dir (logs, keys, blobs) at close, e.g. because a test failed and its logs tell why. */
    public synchronized void keepWorkDir() {
        keepWorkDir = true;
    }

    public dev.upc.cli.client.UpcClient admin() {
        return admin;
    }

    /** The service's process while it runs: to find it again from another JVM (pid and start time). */
    public java.util.Optional<ProcessHandle> process(Service service) {
        return services.get(service).handle();
    }

    /** Flips one byte in the middle of a stored blob's file, as a failing disk would: its sha256 no longer matches. */
    public void corruptBlob(String blobId) throws IOException {
        Path file = storedFiles().filter(p -> p.getFileName().toString().equals(blobId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("blob file " + blobId + " not found"));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = raf.length() / 2;
            raf.seek(middle);
            int b = raf.read();
            raf.seek(middle);
            raf.write(b ^ 0x5a);
        }
    }

    /** The checkpoints of that job the store still keeps on its disk, by blob id. */
    public List<String> storedCheckpoints(String jobId) throws IOException {
        return storedFiles().map(p -> p.getFileName().toString())
                .filter(name -> CheckpointId.parse(name).map(id -> id.jobId().equals(jobId)).orElse(false))
                .sorted().toList();
    }

    private Stream<Path> storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(workDir().resolve("store"))) {
            return files.filter(Files::isRegularFile).toList().stream();
        }
    }

    /** The private PostgreSQL's directory (data, socket, log), while it runs. */
    public Path postgresDirectory() {
        return postgres == null ? null : postgres.root();
    }

    public boolean isRunning(Service service) {
        return services.get(service).isRunning();
    }

    /** Stops the service (SIGTERM, SIGKILL after 10 s) to simulate an outage; {@link #start(Service)} undoes it. */
    public void stop(Service service) {
        services.get(service).stop(STOP_GRACE);
    }

    /** Kills the service at once (SIGKILL), as in a crash. */
    public void kill(Service service) {
        services.get(service).kill();
    }

    /** Starts a stopped service again on its port, with its database and directory, and waits until it is ready. */
    public void start(Service service) {
        ServiceProcess process = services.get(service);
        process.launch();
        awaitReady(List.of(process));
    }

    /** Stops the service and starts it again on the same port with the same database, and waits until it is ready. */
    public void restart(Service service) {
        stop(service);
        start(service);
    }

    public void restartScheduler() {
        restart(Service.SCHEDULER);
    }

    public void restartRegistry() {
        restart(Service.REGISTRY);
    }

    /** Stops the services and PostgreSQL and deletes the work dir unless it is kept; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // called from the hook itself
        }
        // SIGTERM to all at once, then wait for each: a stop costs the slowest service's shutdown, not the sum.
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ServiceProcess process : services.values()) {
            stops.add(CompletableFuture.runAsync(() -> process.stop(STOP_GRACE)));
        }
        stops.forEach(CompletableFuture::join);
        if (postgres != null) {
            postgres.close();
        }
        if (keepWorkDir) {
            progress("kept the work dir %s (keys, service logs, blobs)", workDir);
        } else {
            deleteTree(workDir);
        }
    }

    private void startAll() throws IOException {
        keys = ClusterKeys.generate(workDir);
        adminToken = keys.adminToken("e2e-admin", Duration.ofDays(1));
        tls = settings.tls ? ClusterTls.generate(workDir) : null;
        Map<Service, Integer> ports = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            ports.put(service, freePort());
        }
        String scheme = tls == null ? "http" : "https";
        URI registryUrl = URI.create(scheme + "://127.0.0.1:" + ports.get(Service.REGISTRY));
        URI storeUrl = URI.create(scheme + "://127.0.0.1:" + ports.get(Service.STORE));

        // The store needs no database: it starts while PostgreSQL does.
        Path storeDir = Files.createDirectories(workDir.resolve("store"));
        Map<String, String> store = new LinkedHashMap<>();
        store.put("upc.store.directory", storeDir.toString());
        store.put("upc.store.min-free-bytes", "64M");
        store.put("mp.jwt.verify.publickey.location", "file:" + keys.jwks());
        define(Service.STORE, ports.get(Service.STORE), store, tlsEnvironment());
        services.get(Service.STORE).launch();

        long postgresStart = System.nanoTime();
        postgres = LocalPostgres.start();
        postgres.createDatabase(REGISTRY_DATABASE);
        postgres.createDatabase(SCHEDULER_DATABASE);
        progress("PostgreSQL ready on port %d in %.1f s", postgres.port(), (System.nanoTime() - postgresStart) / 1e9);

        Map<String, String> registry = database(REGISTRY_DATABASE);
        registry.put("upc.registry.join-token", joinToken);
        registry.put("upc.registry.heartbeat-interval", seconds(settings.heartbeatInterval));
        registry.put("upc.registry.suspect-after", seconds(settings.suspectAfter));
        registry.put("upc.registry.lost-after", seconds(settings.lostAfter));
        registry.putAll(keyProperties(Issuer.REGISTRY));
        define(Service.REGISTRY, ports.get(Service.REGISTRY), registry, tlsEnvironment());

        Map<String, String> scheduler = database(SCHEDULER_DATABASE);
        scheduler.put("upc.scheduler.plan-interval", seconds(settings.planInterval));
        // Tests, benches and the demo drain PCs and place jobs right after: every round reads the registry (a
        // property of the builder, e.g. a bench's, still overrides it; an installed scheduler reads every 10 s).
        scheduler.put("upc.scheduler.registry.reconcile-interval", "0s");
        scheduler.put("quarkus.rest-client.registry.url", registryUrl.toString());
        Set<String> storeUrlKeys = storeUrlKeys(jar(Service.SCHEDULER));
        storeUrlKeys.forEach(key -> scheduler.put(key, storeUrl.toString()));
        if (storeUrlKeys.isEmpty()) {
            progress("the packaged scheduler has no store URL setting: it will not prune checkpoints");
        }
        scheduler.putAll(keyProperties(Issuer.SCHEDULER));
        Map<String, String> schedulerEnvironment = new LinkedHashMap<>(tlsEnvironment());
        schedulerEnvironment.put("UPC_STORE_URL", storeUrl.toString());
        define(Service.SCHEDULER, ports.get(Service.SCHEDULER), scheduler, schedulerEnvironment);

        services.get(Service.REGISTRY).launch();
        services.get(Service.SCHEDULER).launch();
        awaitReady(List.copyOf(services.values()));
        // The command line's client library, as any admin uses it: the scheduler tells it where the rest is.
        admin = new dev.upc.cli.client.UpcClient(new dev.upc.cli.client.Endpoint(schedulerUrl(),
                dev.upc.cli.client.TokenSource.of(adminToken), null, tls == null ? null : tls.clientContext()));
        progress("cluster ready in %.1f s (work dir %s)", (System.nanoTime() - createdNanos) / 1e9, workDir);
    }

    private void define(Service service, int port, Map<String, String> properties, Map<String, String> environment) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(settings.extraProperties.getOrDefault(service, Map.of()));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + settings.heapMiB.get(service) + "m",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
        if (service != Service.STORE) {
            // C1 alone starts quickest on 2 cores; the store hashes every byte, which only C2's SHA-256 intrinsic
            // does at disk speed (~1,500 MiB/s here against ~110 under C1), as in the images.
            jvm.add("-XX:TieredStopAtLevel=1");
        }
        services.put(service, new ServiceProcess(service.shortName(), jar(service), port,
                workDir.resolve(service.shortName() + ".log"), jvm, all, environment,
                tls == null ? null : tls.clientContext()));
    }

    /**
     * TLS as an operator turns it on, through the environment: each service serves HTTPS with the run's certificate,
     * and trusts the run's CA when it calls another.
     */
    private Map<String, String> tlsEnvironment() {
        return tls == null ? Map.of() : Map.of("UPC_TLS_CERT_FILE", tls.certificate().toString(),
                "UPC_TLS_KEY_FILE", tls.key().toString(), "UPC_TLS_CA_FILE", tls.caCertificate().toString());
    }

    private Map<String, String> database(String name) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.datasource.username", LocalPostgres.USER);
        properties.put("quarkus.datasource.password", "trust");
        properties.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(name));
        properties.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(name));
        properties.put("quarkus.datasource.reactive.max-size", "8");
        return properties;
    }

    /** Every service verifies with the three public keys; a signer signs with its own key alone. */
    private Map<String, String> keyProperties(Issuer signer) {
        return Map.of("mp.jwt.verify.publickey.location", "file:" + keys.jwks(),
                "smallrye.jwt.sign.key.location", "file:" + keys.privateKeyPem(signer));
    }

    /** Waits for all of them at once; one line per service as it gets ready. */
    private void awaitReady(List<ServiceProcess> processes) {
        long deadline = System.nanoTime() + settings.readyTimeout.toNanos();
        Set<ServiceProcess> waiting = new LinkedHashSet<>(processes);
        try {
            while (!waiting.isEmpty()) {
                for (var it = waiting.iterator(); it.hasNext(); ) {
                    ServiceProcess process = it.next();
                    if (process.probeReady()) {
                        it.remove();
                        progress("%s ready at %s in %.1f s (log %s)", process.name(), process.url(),
                                process.secondsSinceLaunch(), process.log());
                    } else if (System.nanoTime() > deadline) {
                        throw process.failure("was not ready within " + settings.readyTimeout.toSeconds() + " s");
                    }
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(READY_POLL.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the cluster", e);
        }
    }

    private Path jar(Service service) {
        Path jar = settings.repo.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./upc build, or"
                    + " mvn -o package -pl " + service.module() + " -am -DskipTests)");
        }
        return jar;
    }

    /**
     * The scheduler's store URL properties, if the packaged scheduler has any. Its config mapping rejects unknown
     * {@code upc.scheduler.*} keys at start (SRCFG00050), so such a key is passed only where the packaged
     * application declares it: in its application.properties or as the mapping method {@code storeUrl()}.
     */
    static Set<String> storeUrlKeys(Path runJar) {
        Set<String> keys = new LinkedHashSet<>();
        Path appDir = runJar.resolveSibling("app");
        if (!Files.isDirectory(appDir)) {
            return keys;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(appDir, "*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    var entry = file.getJarEntry("application.properties");
                    if (entry != null) {
                        Properties properties = new Properties();
                        try (InputStream in = file.getInputStream(entry)) {
                            properties.load(in);
                        }
                        for (String key : properties.stringPropertyNames()) {
                            String plain = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
                            if (STORE_URL_KEY.matcher(plain).matches()) {
                                keys.add(plain);
                            }
                        }
                    }
                    var config = file.getJarEntry("dev/upc/scheduler/config/SchedulerConfig.class");
                    if (keys.isEmpty() && config != null) {
                        try (InputStream in = file.getInputStream(config)) {
                            if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("storeUrl")) {
                                keys.add("upc.scheduler.store-url");
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged scheduler in " + appDir, e);
        }
        return keys;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[cluster %5.1fs] %s%n", (System.nanoTime() - createdNanos) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    private static void deleteTree(Path root) {
        try {
            WorkDirectory.delete(root);
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    /**
     * How to start a cluster. Defaults suit tests: heartbeats every 1 s (SUSPECT after 3 s, LOST after 10 s), a
     * plan every 1 s, 60 s for each service to get ready, a fresh temp work dir deleted at close (kept when the
     * system property {@code upc.cluster.keep-work-dir} is true), the service jars of the repository named by the
     * system property {@code upc.repo} or else the nearest ancestor of the working directory that has them.
     */
    public static final class Builder {

        private Path repo = defaultRepo();
        private Path workDir;
        private boolean keepWorkDir = Boolean.getBoolean("upc.cluster.keep-work-dir");
        private boolean closeOnExit = true;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration suspectAfter = Duration.ofSeconds(3);
        private Duration lostAfter = Duration.ofSeconds(10);
        private Duration planInterval = Duration.ofSeconds(1);
        private Duration readyTimeout = Duration.ofSeconds(60);
        private boolean tls;
        private final Map<Service, Integer> heapMiB = new EnumMap<>(Map.of(
                Service.REGISTRY, 128, Service.SCHEDULER, 192, Service.STORE, 64));
        private final Map<Service, Map<String, String>> extraProperties = new EnumMap<>(Service.class);

        private Builder() {
        }

        /** The repository whose {@code <module>/target/quarkus-app/quarkus-run.jar} are started. */
        /** Services on HTTPS only, with a CA of the run's own ({@link ClusterTls}); clients trust that CA. */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        public Builder repo(Path repo) {
            this.repo = repo.toAbsolutePath();
            return this;
        }

        /** An empty or absent directory to hold keys, logs and blobs; default a fresh temp dir. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir.toAbsolutePath();
            return this;
        }

        public Builder keepWorkDir(boolean keep) {
            this.keepWorkDir = keep;
            return this;
        }

        /** Whether a JVM exit closes the cluster (default); off for an owner that closes it itself, in order. */
        public Builder closeOnExit(boolean close) {
            this.closeOnExit = close;
            return this;
        }

        /** The registry's heartbeat interval (asked of workers) and when a worker becomes SUSPECT and LOST. */
        public Builder liveness(Duration heartbeatInterval, Duration suspectAfter, Duration lostAfter) {
            if (suspectAfter.compareTo(heartbeatInterval) <= 0 || lostAfter.compareTo(suspectAfter) <= 0) {
                throw new IllegalArgumentException("need heartbeatInterval < suspectAfter < lostAfter");
            }
            this.heartbeatInterval = heartbeatInterval;
            this.suspectAfter = suspectAfter;
            this.lostAfter = lostAfter;
            return this;
        }

        /** The scheduler's plan interval (Quarkus' scheduler resolves 1 s at best). */
        public Builder planInterval(Duration planInterval) {
            this.planInterval = planInterval;
            return this;
        }

        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        public Builder heapMiB(Service service, int mebibytes) {
            heapMiB.put(service, mebibytes);
            return this;
        }

        /** Any other config property of one service (a system property: it overrides the fixture's own). */
        public Builder property(Service service, String key, String value) {
            extraProperties.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /**
         * Starts PostgreSQL and the three services and waits until all are ready.
         *
         * @throws IllegalStateException if one does not come up (naming its log, which is kept, and showing its end)
         */
        public ServiceCluster start() {
            Path dir;
            try {
                dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("upc-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the cluster's work dir", e);
            }
            ServiceCluster cluster = new ServiceCluster(this, dir);
            try {
                cluster.startAll();
                return cluster;
            } catch (IOException | RuntimeException e) {
                // Keep the logs the error message points at.
                cluster.keepWorkDir = true;
                cluster.close();
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot start the cluster: " + io, io);
                }
                throw (RuntimeException) e;
            }
        }

        private static Path defaultRepo() {
            String configured = System.getProperty("upc.repo");
            if (configured != null && !configured.isBlank()) {
                return Path.of(configured).toAbsolutePath();
            }
            Path cwd = Path.of("").toAbsolutePath();
            for (Path dir = cwd; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve(Service.REGISTRY.module()))
                        && Files.isDirectory(dir.resolve(Service.SCHEDULER.module()))) {
                    return dir;
                }
            }
            return cwd;
        }
    }
}
