package dev.upc.localpg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private, throwaway PostgreSQL cluster: initdb into a temp dir, started with pg_ctl on a free port of 127.0.0.1
 * with its own unix socket dir; {@link #close()} stops it (immediate) and deletes it. Superuser {@code postgres},
 * trust authentication (any password is accepted). When run as root the server runs as user postgres, because
 * PostgreSQL refuses to run as root.
 *
 * <p>Tuned for tests by default (fsync, full_page_writes and synchronous_commit off); {@link #start(Map)} overrides
 * or adds server settings, e.g. {@code Map.of("fsync", "on", "synchronous_commit", "on")} for a durable server.
 */
public final class LocalPostgres implements AutoCloseable {

    /** The settings of {@link #start()}: fast and not crash safe. */
    public static final Map<String, String> TEST_SETTINGS = Map.of(
            "fsync", "off",
            "full_page_writes", "off",
            "synchronous_commit", "off",
            "max_connections", "200");
    public static final String USER = "postgres";
    public static final String HOST = "127.0.0.1";

    private static final List<Path> BIN_DIRS = List.of(
            Path.of("/usr/lib/postgresql/17/bin"), Path.of("/usr/lib/postgresql/16/bin"),
            Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/local/pgsql/bin"), Path.of("/usr/bin"));
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path binDir;
    private final boolean asPostgresUser;
    private final Path root;
    private final Path dataDir;
    private final Path socketDir;
    private int port;
    private boolean running;

    private LocalPostgres(Path binDir, boolean asPostgresUser, Path root) {
        this.binDir = binDir;
        this.asPostgresUser = asPostgresUser;
        this.root = root;
        this.dataDir = root.resolve("data");
        this.socketDir = root.resolve("sock");
    }

    /** A cluster with {@link #TEST_SETTINGS}. */
    public static LocalPostgres start() {
        return start(Map.of());
    }

    /**
     * A cluster with {@link #TEST_SETTINGS} overridden and extended by {@code settings} (each passed to the server as
     * {@code -c name=value}).
     *
     * @throws IllegalStateException if no PostgreSQL server is installed, or it does not start (with its log)
     */
    public static LocalPostgres start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(TEST_SETTINGS);
        settings.forEach((name, value) -> {
            if (!SETTING_NAME.matcher(name).matches() || value.isEmpty() || value.matches(".*[\\s'\"\\\\].*")) {
                throw new IllegalArgumentException("not a plain PostgreSQL setting: " + name + "=" + value);
            }
            all.put(name, value);
        });
        Path binDir = findBinDir();
        Path root;
        try {
            root = Files.createTempDirectory("upc-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for PostgreSQL", e);
        }
        LocalPostgres postgres = new LocalPostgres(binDir, "root".equals(System.getProperty("user.name")), root);
        try {
            postgres.initAndStart(all);
            return postgres;
        } catch (IOException e) {
            postgres.close();
            throw new UncheckedIOException("cannot set up the local PostgreSQL cluster", e);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The cluster's directory: data, socket dir and log. */
    public Path root() {
        return root;
    }

    /**
     * Stops a cluster that a crashed owner left running in {@code root} (as {@link #root()} named it) and deletes it;
     * nothing when it is gone already.
     */
    public static void stopLeftover(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        LocalPostgres leftover = new LocalPostgres(findBinDir(), "root".equals(System.getProperty("user.name")), root);
        leftover.running = Files.exists(leftover.dataDir.resolve("postmaster.pid"));
        leftover.close();
    }

    /** The server log, e.g. for a failure message; deleted by {@link #close()}. */
    public Path logFile() {
        return root.resolve("postgres.log");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** The URL form of the Vert.x reactive client (and Quarkus' {@code quarkus.datasource.reactive.url}). */
    public String reactiveUrl(String database) {
        return "postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Creates an empty database owned by {@link #USER}; {@code postgres} exists from the start. */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database names here are lower case identifiers: " + name);
        }
        run(List.of(binDir.resolve("createdb").toString(), "-h", socketDir.toString(), "-p", Integer.toString(port),
                "-U", USER, name), true);
    }

    /** Stops the server at once (no checkpoint: the data is thrown away) and deletes its directory; idempotent. */
    @Override
    public void close() {
        if (running || Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate",
                        "-w", "stop"), true);
            } catch (RuntimeException e) {
                System.err.println("local PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            running = false;
        }
        deleteTree(root);
    }

    private void initAndStart(Map<String, String> settings) throws IOException {
        Files.createDirectories(socketDir);
        if (asPostgresUser) {
            // The temp dir is root's: hand the whole tree (data, socket dir, log) to postgres.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            run(List.of("chown", "-R", "postgres:postgres", root.toString()), false);
        }
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"), true);
        port = freePort();
        StringBuilder options = new StringBuilder("-p " + port + " -k " + socketDir + " -c listen_addresses=" + HOST);
        settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "30",
                "-l", logFile().toString(), "-o", options.toString(), "start"), true);
        running = true;
    }

    private static Path findBinDir() {
        for (Path dir : BIN_DIRS) {
            if (hasServerTools(dir)) {
                return dir;
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            var found = versions.map(v -> v.resolve("bin")).filter(LocalPostgres::hasServerTools)
                    .max(Comparator.naturalOrder());
            if (found.isPresent()) {
                return found.get();
            }
        } catch (IOException ignored) {
            // fall through to the explanation below
        }
        throw new IllegalStateException("A local PostgreSQL server is needed, but no initdb/pg_ctl was found in "
                + BIN_DIRS + " or /usr/lib/postgresql/*/bin. Install it (Debian: apt-get install postgresql;"
                + " sudo ./upc setup does this) and try again.");
    }

    private static boolean hasServerTools(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    private void run(List<String> command, boolean asServerUser) {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", USER, "--"));
        }
        full.addAll(command);
        try {
            Path output = Files.createTempFile("upc-pg-cmd-", ".log");
            try {
                Process process = new ProcessBuilder(full).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s: " + full);
                }
                if (process.exitValue() != 0) {
                    String log = Files.readString(output);
                    if (Files.exists(logFile())) {
                        log += "\n--- postgres.log ---\n" + Files.readString(logFile());
                    }
                    throw new IllegalStateException("exit " + process.exitValue() + ": " + full + "\n" + log);
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + full, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }
}
