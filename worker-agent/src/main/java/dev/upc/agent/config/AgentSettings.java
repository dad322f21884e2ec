package dev.upc.agent.config;

import dev.upc.agent.libpod.UserNamespace;
import dev.upc.protocol.tls.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * The settings the agent runs with, checked: every URL present and http(s), a readable non-empty join token, sane
 * numbers, a usable name. Built by {@link #validate}, which reports all problems at once.
 *
 * @param name         this PC's name in the cluster (registered as the worker's hostname)
 * @param jobMemoryMiB memory lent to jobs, registered so that placement counts with it
 * @param jobDiskMiB   the most a job may write to its own file system here; 0 for no limit
 * @param lease        how long jobs run on without the control plane hearing from the PC ({@code upc.agent.lease})
 * @param tls          what the services' HTTPS must chain to ({@code upc.agent.ca-file}), or null for the JVM's list
 */
public record AgentSettings(String name, URI registryUrl, URI schedulerUrl, URI storeUrl, String joinToken,
                            Path podmanSocket,
                            Path stateDir, int jobCpus, int cpuLimitPercent, long jobMemoryMiB, int localPort,
                            Map<String, String> labels, Duration pollWait, String criu, boolean pullImages,
                            Duration benchmarkMaxAge, Duration idleScanInterval,
                            Optional<UserNamespace> userNamespace, SSLSocketFactory tls, long jobDiskMiB,
                            Duration lease) {

    /** Letters, digits and {@code ._-}, as a DNS name or a simple host name is: the registry shows and matches it. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,253}");

    /**
     * @param hostname this host's name: the PC's name unless {@code upc.agent.name} says otherwise
     */
    public static AgentSettings validate(AgentConfig config, int cores, long memoryMiB, String hostname) {
        List<String> problems = new ArrayList<>();
        String name = name(config, hostname, problems);
        URI registry = url(config.registryUrl().orElse(null), "upc.agent.registry-url", problems);
        URI scheduler = url(config.schedulerUrl().orElse(null), "upc.agent.scheduler-url", problems);
        URI store = url(config.storeUrl().orElse(null), "upc.agent.store-url", problems);
        String token = joinToken(config, problems);
        int jobCpus = config.jobCpus().orElse(cores);
        if (jobCpus < 1 || jobCpus > cores) {
            problems.add("upc.agent.job-cpus must be between 1 and the " + cores + " cores of this PC, was " + jobCpus);
        }
        if (config.cpuLimitPercent() < 1 || config.cpuLimitPercent() > 100) {
            problems.add("upc.agent.cpu-limit-percent must be between 1 and 100, was " + config.cpuLimitPercent());
        }
        long memory = config.jobMemoryMib().orElse(memoryMiB * 3 / 4);
        if (memory < 64 || memory > memoryMiB) {
            problems.add("upc.agent.job-memory-mib must be between 64 and the " + memoryMiB + " MiB of this PC, was "
                    + memory);
        }
        if (config.lease().compareTo(Duration.ofSeconds(10)) < 0) {
            problems.add("upc.agent.lease must be at least 10s (several heartbeats), was " + config.lease());
        }
        if (!java.util.Set.of("auto", "always", "never").contains(config.leaveOnStop())) {
            problems.add("upc.agent.leave-on-stop must be auto, always or never, was '" + config.leaveOnStop() + "'");
        }
        if (config.jobDiskMib() < 0) {
            problems.add("upc.agent.job-disk-mib must be 0 (no limit) or more, was " + config.jobDiskMib());
        }
        if (config.localPort() < 0 || config.localPort() > 65535) {
            problems.add("upc.agent.local-port must be 0 (off) or a TCP port, was " + config.localPort());
        }
        if (config.pollWait().compareTo(Duration.ofSeconds(1)) < 0 || config.pollWait().compareTo(Duration.ofSeconds(60)) > 0) {
            problems.add("upc.agent.poll-wait must be between 1s and 60s, was " + config.pollWait());
        }
        if (config.idleScanInterval().isNegative()) {
            problems.add("upc.agent.idle-scan-interval must not be negative, was " + config.idleScanInterval());
        }
        Optional<UserNamespace> users = Optional.empty();
        try {
            users = UserNamespace.parse(config.userNamespace());
        } catch (IllegalArgumentException e) {
            problems.add("upc.agent.user-namespace: " + e.getMessage());
        }
        SSLSocketFactory tls = null;
        if (config.caFile().isPresent()) {
            try {
                tls = TrustedCertificates.context(config.caFile().get()).getSocketFactory();
            } catch (IllegalArgumentException e) {
                problems.add("upc.agent.ca-file: " + e.getMessage());
            }
        }
        config.machineId().filter(id -> !id.matches("[A-Za-z0-9._:-]{1,128}")).ifPresent(id -> problems.add(
                "upc.agent.machine-id must be 1 to 128 letters, digits or ._:- characters, was '" + id + "'"));
        if (!problems.isEmpty()) {
            throw new AgentConfigException(problems);
        }
        return new AgentSettings(name, registry, scheduler, store, token, config.podmanSocket(), config.stateDir(),
                jobCpus, config.cpuLimitPercent(), memory, config.localPort(), Map.copyOf(config.labels()), config.pollWait(),
                config.criu(), config.pullImages(), config.benchmarkMaxAge(),
                config.idleScanInterval(), users, tls, config.jobDiskMib(), config.lease());
    }

    /** CPU time per second jobs may use on this PC: lent cores × the CPU-time share. */
    public double jobCpuShare() {
        return jobCpus * cpuLimitPercent / 100.0;
    }

    private static String name(AgentConfig config, String hostname, List<String> problems) {
        String name = config.name().map(String::strip).orElse(hostname);
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(config.name().isPresent()
                    ? "upc.agent.name must be 1 to 253 letters, digits or ._- characters, was '" + name + "'"
                    : "this host's name '" + hostname + "' cannot name the PC (1 to 253 letters, digits or ._-"
                            + " characters); set upc.agent.name");
        }
        return name;
    }

    private static URI url(URI value, String key, List<String> problems) {
        if (value == null) {
            problems.add(key + " is missing (e.g. " + key + "=http://upc-control:8080)");
            return null;
        }
        String scheme = value.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || value.getHost() == null) {
            problems.add(key + " must be an http:// or https:// URL with a host, was " + value);
            return null;
        }
        String text = value.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : value;
    }

    private static String joinToken(AgentConfig config, List<String> problems) {
        if (config.joinToken().isPresent() && !config.joinToken().get().isBlank()) {
            return config.joinToken().get().strip();
        }
        Path file = config.joinTokenFile();
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                problems.add("the join token file " + file + " is empty; put the cluster's join token in it");
            }
            return token;
        } catch (IOException e) {
            problems.add("cannot read the join token from " + file + " (" + e.getClass().getSimpleName()
                    + "); set upc.agent.join-token-file or upc.agent.join-token");
            return null;
        }
    }
}
