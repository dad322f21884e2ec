package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the single-server deployment needs of podman 4.3: {@code kube play} of a rendered overlay,
 * the podman secret its {@code secretKeyRef}s read, its pods, containers and volumes, and the healthchecks podman
 * made of the liveness probes (run by hand: their timers need systemd). Every call runs the podman CLI with a time
 * limit; a failure names the command and carries its output.
 */
final class PodmanKube {

    /** Pods, containers and volumes of a UPC deployment are named {@code upc-…}. */
    static final String PREFIX = "upc-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SHORT = Duration.ofSeconds(60);
    /** podman's default container ulimits fail here (EPERM): kube play reads these instead (DESIGN.md). */
    private static final String CONTAINERS_CONF = """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            """;

    private final Path workDir;

    PodmanKube(Path workDir) {
        this.workDir = workDir;
    }

    void play(Path manifest) throws IOException {
        Path conf = workDir.resolve("containers.conf");
        Files.writeString(conf, CONTAINERS_CONF);
        podman(Duration.ofMinutes(3), Map.of("CONTAINERS_CONF", conf.toString()), "kube", "play", manifest.toString());
    }

    /** The secret {@code name} as kube play's {@code secretKeyRef} reads it (see DeploymentSecrets#podmanSecretJson). */
    void createSecret(String name, String json) throws IOException {
        Path file = Files.createTempFile(workDir, ".secret-", ".json");
        try {
            Files.writeString(file, json);
            podman(SHORT, Map.of(), "secret", "create", name, file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    List<String> pods() {
        return names("pod", "ps", "--format", "{{.Name}}");
    }

    List<String> containers() {
        return names("ps", "-a", "--format", "{{.Names}}");
    }

    List<String> volumes() {
        return names("volume", "ls", "--format", "{{.Name}}");
    }

    List<String> secrets() {
        return names("secret", "ls", "--format", "{{.Name}}");
    }

    void removeVolumes(List<String> names) {
        if (!names.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("volume", "rm", "--force"));
            args.addAll(names);
            podman(SHORT, Map.of(), args.toArray(String[]::new));
        }
    }

    void removeSecret(String name) {
        podman(SHORT, Map.of(), "secret", "rm", name);
    }

    /** Deletes a pod at once, as {@code kubectl delete pod --grace-period=0} would. */
    void removePod(String pod) {
        podman(SHORT, Map.of(), "pod", "rm", "--force", pod);
    }

    String logs(String container) {
        return podman(SHORT, Map.of(), "logs", container);
    }

    /** Runs the container's healthcheck (its liveness probe); true when healthy. */
    boolean healthy(String container) {
        try {
            podman(SHORT, Map.of(), "healthcheck", "run", container);
            return true;
        } catch (IllegalStateException unhealthy) {
            return false;
        }
    }

    /** Whether podman made a healthcheck of the container's liveness probe. */
    boolean hasHealthcheck(String container) {
        JsonNode inspect = inspect(container);
        return inspect.path("Config").path("Healthcheck").path("Test").size() > 0;
    }

    JsonNode inspect(String container) {
        try {
            return JSON.readTree(podman(SHORT, Map.of(), "inspect", "--type", "container", container)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read podman inspect of " + container, e);
        }
    }

    /** {@code podman exec}; stdout goes to {@code out}. */
    void exec(String container, Path out, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        run(args, Duration.ofMinutes(5), Map.of(), null, out);
    }

    /** {@code podman exec -i} reading {@code in}; returns what it printed. */
    String execWithInput(String container, Path in, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", "--interactive", container));
        args.addAll(List.of(command));
        return run(args, Duration.ofMinutes(5), Map.of(), in, null);
    }

    /** {@code podman exec}; returns what it printed. */
    String exec(String container, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return run(args, Duration.ofMinutes(1), Map.of(), null, null);
    }

    void exportVolume(String volume, Path tar) {
        podman(Duration.ofMinutes(5), Map.of(), "volume", "export", "--output", tar.toString(), volume);
    }

    private List<String> names(String... args) {
        return podman(SHORT, Map.of(), args).lines().map(String::strip)
                .filter(name -> name.startsWith(PREFIX)).toList();
    }

    private String podman(Duration timeout, Map<String, String> env, String... args) {
        return run(List.of(args), timeout, env, null, null);
    }

    private String run(List<String> args, Duration timeout, Map<String, String> env, Path stdin, Path stdout) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(args);
        try {
            Path log = Files.createTempFile(Files.createDirectories(workDir), ".podman-", ".log");
            try {
                // output and errors go to the log, unless the output is a file of its own (a dump)
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(stdout == null)
                        .redirectOutput((stdout != null ? stdout : log).toFile());
                if (stdout != null) {
                    builder.redirectError(log.toFile());
                }
                if (stdin != null) {
                    builder.redirectInput(stdin.toFile());
                }
                builder.environment().putAll(env);
                Process process = builder.start();
                if (stdin == null) {
                    process.getOutputStream().close();
                }
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
                }
                String output = Files.readString(log, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (exit "
                            + process.exitValue() + "): " + output.strip());
                }
                return output;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
