package dev.upc.cli.training;

import dev.upc.cli.Env;
import dev.upc.cli.UpcCli;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The AOT cache's training run (the build starts it through bin/upc with {@code -XX:AOTCacheOutput}): representative
 * commands, in-process, against a {@link LoopbackApi}, so the cache holds the classes of the client, Jackson,
 * picocli and the renderers as a real run loads them. Each command's exit code is checked, so a broken command
 * fails the build instead of training a cache on an error path.
 *
 * <p>{@code Training --serve [PORT]} only serves the loopback API, for timing {@code upc} against it.
 */
public final class Training {

    private Training() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve(args.length > 1 ? Integer.parseInt(args[1]) : 0);
            return;
        }
        Path home = Files.createTempDirectory("upc-training-");
        try (LoopbackApi api = LoopbackApi.start(0)) {
            Path input = Files.writeString(home.resolve("data.csv"), "x,y\n1,2\n");
            String server = api.url().toString();
            Env env = Env.of(Map.of("UPC_SERVER", server, "UPC_TOKEN", "training-token", "HOME", home.toString(),
                    "UPC_CONFIG", home.resolve("config.json").toString()), discard(), discard());
            List<Run> runs = List.of(
                    new Run(0, "--version"),
                    new Run(0, "--help"),
                    new Run(0, "jobs", "submit", "--help"),
                    new Run(0, "whoami"),
                    new Run(0, "whoami", "--json"),
                    new Run(0, "jobs", "list"),
                    new Run(0, "jobs", "list", "--all", "--json", "--limit", "2"),
                    new Run(0, "jobs", "show", "j3"),
                    new Run(0, "jobs", "show", "j3", "--json"),
                    new Run(0, "jobs", "submit", "--image", "localhost/alice/count:1", "--memory", "1G", "--work",
                            "10m", "--env", "STEP=2", "--input", input.toString(), "--", "count", "100"),
                    new Run(0, "jobs", "logs", "j3"),
                    new Run(0, "jobs", "logs", "j3", "--json"),
                    new Run(0, "jobs", "wait", "j1"),
                    new Run(0, "jobs", "watch", "--count", "1"),
                    new Run(0, "jobs", "cancel", "j2"),
                    new Run(0, "workers", "list"),
                    new Run(0, "workers", "drain", "pc2"),
                    new Run(0, "images", "list"),
                    new Run(0, "users", "list"),
                    new Run(0, "users", "add", "carol", "--ttl", "7d"),
                    new Run(0, "login", "--server", server, "--token", "training-token", "--context", "lab"),
                    new Run(0, "context", "list"),
                    new Run(3, "jobs", "show", "j404"),
                    new Run(2, "jobs", "list", "--bogus"),
                    new Run(2, "jobs", "submit", "--memory", "lots", "--", "true"),
                    new Run(1, "--server", "http://127.0.0.1:1", "jobs", "list"));
            for (int round = 0; round < 2; round++) {
                for (Run run : runs) {
                    int code = UpcCli.run(run.args(), env);
                    if (code != run.expected()) {
                        System.err.println("upc training: 'upc " + String.join(" ", run.args()) + "' exited " + code
                                + ", not " + run.expected());
                        System.exit(1);
                    }
                }
            }
            System.out.println("upc training: " + runs.size() + " commands, twice, all as expected");
        } finally {
            deleteTree(home);
        }
        System.exit(0);
    }

    private static void serve(int port) throws IOException, InterruptedException {
        LoopbackApi api = LoopbackApi.start(port);
        System.out.println(api.url());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static PrintStream discard() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private record Run(int expected, String... args) {
        @Override
        public String toString() {
            return Arrays.toString(args);
        }
    }
}
