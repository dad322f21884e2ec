package dev.upc.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The agent's settings: {@code /etc/upc/agent.properties} (or {@code quarkus.config.locations}) and {@code UPC_AGENT_*}
 * environment variables. The URLs are optional here so that local commands ({@code status}, {@code owner}) work
 * without them; {@link AgentSettings#validate} turns every bad or missing value into one clear message.
 */
@ConfigMapping(prefix = "upc.agent")
public interface AgentConfig {

    /** The worker registry, e.g. {@code http://upc.lab:8081}. */
    Optional<URI> registryUrl();

    /** The scheduler, e.g. {@code http://upc.lab:8082}. */
    Optional<URI> schedulerUrl();

    /** The checkpoint store, e.g. {@code http://upc.lab:8083}. */
    Optional<URI> storeUrl();

    /**
     * The certificates (PEM) that the services' HTTPS must chain to, e.g. a lab's own CA: only these are trusted then,
     * not the JVM's list. Unset: the JVM's list (a public CA, or plain http on a trusted network).
     */
    Optional<Path> caFile();

    /** The cluster join token itself; prefer {@link #joinTokenFile()}, which keeps it out of process listings. */
    Optional<String> joinToken();

    /** A file holding the join token (mode 600). */
    @WithDefault("/etc/upc/join-token")
    Path joinTokenFile();

    /**
     * This PC's identity towards the registry; default {@code /etc/machine-id}. Set it on cloned PCs that share a
     * machine id, or for several agents on one host (simulated PCs).
     */
    Optional<String> machineId();

    /**
     * This PC's name as the cluster shows it (registered as the worker's hostname; a migration request may name it as
     * its target); default the host's name. Set it for several agents on one host (simulated PCs).
     */
    Optional<String> name();

    /** libpod's REST socket ({@code podman system service}). */
    @WithDefault("/run/podman/podman.sock")
    Path podmanSocket();

    /** Identity, state file and AOT cache live here. */
    @WithDefault("/var/lib/upc-agent")
    Path stateDir();

    /** Cores lent to jobs; default all of them. */
    OptionalInt jobCpus();

    /**
     * Share of each lent core's time jobs may use, 1–100 (BOINC's "use at most N % of CPU time"); the reported speed
     * is scaled by it.
     */
    @WithDefault("100")
    int cpuLimitPercent();

    /**
     * The user namespace job containers run in, {@code HOSTID:SIZE}: a job's root, and whatever a crafted checkpoint
     * restores, is host uid {@code HOSTID}, never the PC's root. {@code off} runs jobs with the host's ids. The range
     * must not overlap the PC's users or the subordinate ids of rootless users ({@code /etc/subuid}); the default is
     * far above both. A PC restores a job in its own range whatever the source's was.
     */
    @WithDefault("1000000000:65536")
    String userNamespace();

    /** Memory lent to jobs; default 3/4 of the PC's memory. */
    OptionalLong jobMemoryMib();

    /**
     * The most a job may write to its own file system on this PC, in MiB; a job writing more is stopped (checked every
     * 10 s, like the kubelet's ephemeral-storage limit). {@code 0}: no limit.
     */
    @WithDefault("10240")
    long jobDiskMib();

    /** Port of the localhost-only status and owner endpoint; 0 turns it off. */
    @WithDefault("7787")
    int localPort();

    /**
     * A group whose members may change the owner's settings ({@code upc-agent owner …}) without root: it may read the
     * endpoint's secret ({@code <state-dir>/local.token}, then mode 0640). Unset: root only (0600).
     */
    Optional<String> localGroup();

    /** Free-form placement labels reported at registration, e.g. {@code upc.agent.labels.room=lab-3}. */
    Map<String, String> labels();

    /**
     * How long the PC runs its jobs on without the control plane hearing from it (its heartbeats failing): then it
     * holds them until the scheduler says which are still its own. Keep it below the registry's
     * {@code upc.registry.lost-after} (90 s), after which the scheduler restores the jobs elsewhere.
     */
    @WithDefault("60s")
    Duration lease();

    /**
     * What a stop of the agent (SIGTERM) does with the jobs here: {@code auto} moves them away, from a checkpoint taken
     * then, when the PC is shutting down (systemd says "stopping") and leaves them running when only the agent
     * restarts (it re-attaches to them); {@code always} moves them away at every stop; {@code never} never does.
     */
    @WithDefault("auto")
    String leaveOnStop();

    /** How long a stop waits for the jobs to be moved away; keep it below systemd's stop timeout (90 s). */
    @WithDefault("75s")
    Duration leaveTimeout();

    /** How long one long poll for commands waits on the scheduler. */
    @WithDefault("25s")
    Duration pollWait();

    /** The CRIU executable checked at start ({@code criu --version}, {@code criu check}). */
    @WithDefault("criu")
    String criu();

    /** Pull job images from their registry when they are not on this PC and not in the store. */
    @WithDefault("false")
    boolean pullImages();

    /** A cached CPU benchmark result is trusted this long, then measured again (in the background). */
    @WithDefault("7d")
    Duration benchmarkMaxAge();


    /**
     * With no job containers, how often a heartbeat still asks libpod for labelled containers (a safety net for
     * strays). Otherwise an idle agent leaves podman alone: a socket-activated podman service exits after 5 s
     * idle, and waking it costs a few hundred ms of CPU. {@code 0s}: every heartbeat.
     */
    @WithDefault("5m")
    Duration idleScanInterval();
}
