package dev.upc.agent.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code upc-agent status} and {@code upc-agent owner …}: they ask the running agent on its {@link LocalEndpoint} and
 * print its answer. Exit codes: 0 fine, 1 no agent or a failure, 2 the agent refused the value.
 */
public final class LocalCommand {

    private static final int USAGE = 2;

    private LocalCommand() {
    }

    public static int status(int port) {
        return call(port, "GET", "/status", null);
    }

    /**
     * {@code owner show}, {@code owner active|idle|auto}, {@code owner snooze 2h}, {@code owner cpu 50|default}.
     *
     * @param stateDir where the running agent keeps its {@link LocalSecret}, which a change sends
     * @param args     the command line, {@code owner} first
     * @return the exit code, or empty when the arguments are not one of these
     */
    public static Optional<Integer> owner(int port, Path stateDir, String... args) {
        if (args.length == 2 && args[1].equals("show")) {
            return Optional.of(call(port, "GET", "/owner", null));
        }
        String path;
        if (args.length == 2) {
            path = "/owner/" + value(args[1]);
        } else if (args.length == 3 && (args[1].equals("snooze") || args[1].equals("cpu"))) {
            path = "/owner/" + args[1] + "/" + value(args[2]);
        } else {
            return Optional.empty();
        }
        if (port == 0) {
            return Optional.of(call(port, "PUT", path, null));
        }
        String secret;
        try {
            secret = LocalSecret.read(stateDir);
        } catch (IllegalStateException e) {
            System.err.println("upc-agent: " + e.getMessage());
            return Optional.of(1);
        }
        return Optional.of(call(port, "PUT", path, secret));
    }

    /**
     * {@code prepare-sleep}: the PC is about to sleep; the agent holds its jobs before this returns. Run by systemd's
     * sleep hook ({@code /usr/lib/systemd/system-sleep/upc-agent}).
     */
    public static int prepareSleep(int port, Path stateDir) {
        String secret;
        try {
            secret = port == 0 ? null : LocalSecret.read(stateDir);
        } catch (IllegalStateException e) {
            System.err.println("upc-agent: " + e.getMessage());
            return 1;
        }
        return call(port, "POST", "/sleep", secret);
    }

    /** A value on the command line as a path segment: {@code 50%} is {@code 50}; what no path can carry, refused. */
    static String value(String arg) {
        String value = arg.strip();
        value = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
        return value.matches("[A-Za-z0-9.-]{1,32}") ? value : "invalid-value";
    }

    private static int call(int port, String method, String path, String secret) {
        if (port == 0) {
            System.err.println("upc-agent: the local endpoint is off (upc.agent.local-port=0)");
            return 1;
        }
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setRequestMethod(method);
            if (secret != null) {
                connection.setRequestProperty("Authorization", "Bearer " + secret);
            }
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(10_000);
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                (status < 400 ? System.out : System.err).println(body);
            }
            return status < 400 ? 0 : (status == 400 ? USAGE : 1);
        } catch (IOException e) {
            System.err.println("upc-agent: no agent answers on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); is it running? (systemctl status upc-agent)");
            return 1;
        } catch (UncheckedIOException e) {
            System.err.println("upc-agent: " + e.getMessage());
            return 1;
        }
    }
}
