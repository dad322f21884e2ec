package dev.upc.registry.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for the tests: initdb into a temp dir, started with pg_ctl on a free port with its
 * own unix socket dir and fsync off; stopped (immediate) and deleted on stop. Runs the server as user postgres
 * when the tests run as root, because PostgreSQL refuses to run as root.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final List<Path> BIN_DIRS = List.of(
            Path.of("/usr/lib/postgresql/17/bin"), Path.of("/usr/lib/postgresql/16/bin"),
            Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/local/pgsql/bin"), Path.of("/usr/bin"));
    private static final long TIMEOUT_SECONDS = 60;

    private Path binDir;
    private Path root;
    private Path dataDir;
    private boolean asPostgresUser;

    @Override
    public Map<String, String> start() {
        binDir = findBinDir();
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        try {
            root = Files.createTempDirectory("upc-registry-pg-");
            dataDir = root.resolve("data");
            Path socketDir = root.resolve("sock");
            Files.createDirectories(socketDir);
            if (asPostgresUser) {
                // The temp dir is root's: hand the whole tree (data, socket dir, log) to postgres.
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
                run(List.of("chown", "-R", "postgres:postgres", root.toString()), false);
            }
            run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                    "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"), true);
            int port = freePort();
            String options = "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1"
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "30",
                    "-l", root.resolve("postgres.log").toString(), "-o", options, "start"), true);
            String hostPort = "127.0.0.1:" + port + "/postgres";
            return Map.of(
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort,
                    "quarkus.datasource.reactive.url", "postgresql://" + hostPort);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot set up the test PostgreSQL cluster", e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        if (dataDir != null && Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate",
                        "-w", "stop"), true);
            } catch (RuntimeException e) {
                System.err.println("test PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        if (root != null) {
            deleteTree(root);
            root = null;
        }
    }

    private static Path findBinDir() {
        for (Path dir : BIN_DIRS) {
            if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
                return dir;
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            var found = versions.map(v -> v.resolve("bin"))
                    .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder());
            if (found.isPresent()) {
                return found.get();
            }
        } catch (IOException ignored) {
            // fall through to the explanation below
        }
        throw new IllegalStateException("The registry tests need a real PostgreSQL server, but no initdb/pg_ctl was"
                + " found in " + BIN_DIRS + " or /usr/lib/postgresql/*/bin. Install it (Debian: apt-get install"
                + " postgresql; ./upc test does this) and run the tests again.");
    }

    private void run(List<String> command, boolean asServerUser) {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
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
                    Path serverLog = root == null ? null : root.resolve("postgres.log");
                    if (serverLog != null && Files.exists(serverLog)) {
                        log += "\n--- postgres.log ---\n" + Files.readString(serverLog);
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
