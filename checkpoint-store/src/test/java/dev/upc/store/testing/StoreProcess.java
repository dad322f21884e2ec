package dev.upc.store.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The packaged store (target/quarkus-app) as its own process with a 64 MiB heap, on a free port, with a fresh
 * key pair: {@link #adminToken()} and {@link #mint()} sign tokens it accepts.
 */
public final class StoreProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path log;
    private final int port;
    private final TokenMint mint;
    private final String adminToken;

    private StoreProcess(Process process, Path log, int port, TokenMint mint) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.mint = mint;
        this.adminToken = mint.admin();
    }

    /** Starts the store on {@code directory} and waits until it is ready; {@code properties} are -D options. */
    public static StoreProcess start(Path directory, Path log, Map<String, String> properties) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the module first: " + jar + " is missing");
        }
        Path publicKey = Path.of("target", "it-keys-" + UUID.randomUUID(), "public.pem").toAbsolutePath();
        TokenMint mint = TokenMint.generate(publicKey);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("UPC_HTTP_PORT", Integer.toString(port));
        builder.environment().put("UPC_STORE_DIR", directory.toString());
        builder.environment().put("UPC_JWT_PUBLIC_KEY", "file:" + publicKey);
        StoreProcess store = new StoreProcess(builder.start(), log, port, mint);
        try {
            store.awaitReady();
        } catch (Exception | AssertionError e) {
            store.close();
            throw e;
        }
        return store;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/api/v1/blobs} */
    public String blobs() {
        return "http://127.0.0.1:" + port + "/api/v1/blobs";
    }

    public String adminToken() {
        return adminToken;
    }

    public TokenMint mint() {
        return mint;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The store's threads and their stacks, as {@code jcmd <pid> Thread.print} prints them. */
    public String threadDump() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String output = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (dump.waitFor() != 0) {
            throw new IllegalStateException("jcmd Thread.print failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("store exited: " + Files.readString(log));
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("store not ready after 30 s; log: " + log);
            }
            Thread.sleep(50);
        }
    }
}
