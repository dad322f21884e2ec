package dev.upc.servicehttp;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Migrates a service's schema without making a database that is not there yet (or a wrong URL or password) fatal:
 * one try at start, so a healthy cluster comes up migrated as before, then tries every {@link #RETRY} in the
 * background until one succeeds. Meanwhile the service is alive but not ready: {@link ReadinessProblems} holds
 * "database upc_registry at 127.0.0.1:15432 unreachable: Connection refused; retrying every 5 s", logged once per
 * distinct failure, and API calls are answered 503 with it. Each service hands over its Flyway as a {@link Runnable},
 * so this module needs no Flyway of its own.
 */
public final class DatabaseMigration {

    public static final String CHECK = "database";
    static final Duration RETRY = Duration.ofSeconds(5);

    private final String database;
    private final Runnable migrate;
    private final ReadinessProblems problems;
    private volatile Thread retries;

    /** @param jdbcUrl the datasource's {@code jdbc:postgresql://host:port/name} URL, to name the database in messages */
    public DatabaseMigration(String jdbcUrl, Runnable migrate, ReadinessProblems problems) {
        this.database = describeUrl(jdbcUrl);
        this.migrate = migrate;
        this.problems = problems;
    }

    /** Tries once now; if that fails, goes on trying on a thread of its own. */
    public void start() {
        problems.pending(CHECK, database + " not migrated yet");
        if (tryOnce()) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                do {
                    Thread.sleep(RETRY.toMillis());
                } while (!tryOnce());
            } catch (InterruptedException e) {
                // stopped
            }
        }, "database-migration");
        thread.setDaemon(true);
        retries = thread;
        thread.start();
    }

    public void stop() {
        Thread thread = retries;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private boolean tryOnce() {
        try {
            migrate.run();
            problems.resolve(CHECK, database + " migrated");
            return true;
        } catch (RuntimeException e) {
            problems.report(CHECK, database + " " + describe(e) + "; retrying every " + RETRY.toSeconds() + " s");
            return false;
        }
    }

    /** "database upc_registry at 127.0.0.1:15432" of a {@code jdbc:postgresql://} URL; the URL itself otherwise. */
    static String describeUrl(String jdbcUrl) {
        try {
            URI uri = URI.create(jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring("jdbc:".length()) : jdbcUrl);
            String name = uri.getPath() == null || uri.getPath().length() <= 1 ? "?" : uri.getPath().substring(1);
            return "database " + name + " at " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "database " + jdbcUrl;
        }
    }

    /** What went wrong, in words and on one line: "unreachable: Connection refused", "does not exist", … */
    static String describe(Throwable failure) {
        Optional<SQLException> sql = Optional.empty();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof SocketTimeoutException) {
                return "unreachable: " + oneLine(cause.getMessage());
            }
            if (cause instanceof UnknownHostException) {
                return "unreachable: unknown host " + oneLine(cause.getMessage());
            }
            if (sql.isEmpty() && cause instanceof SQLException e && e.getSQLState() != null) {
                sql = Optional.of(e);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        if (sql.isPresent()) {
            String state = sql.get().getSQLState();
            String message = oneLine(sql.get().getMessage());
            return switch (state) {
                case "28P01", "28000" -> "refused the login (check UPC_DB_USER and UPC_DB_PASSWORD): " + message;
                case "3D000" -> "does not exist: " + message;
                default -> "failed (SQLState " + state + "): " + message;
            };
        }
        return "cannot be migrated: " + oneLine(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
