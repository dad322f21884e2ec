package dev.upc.agent.lifecycle;

import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.job.ContainerNames;
import dev.upc.agent.job.ExitWatch;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What a heartbeat says: the owner's presence, whether the PC drains, the cores and memory still free for jobs, the
 * load, and every job container with its state, CPU time and memory. With no job here, podman is asked only every
 * {@code upc.agent.idle-scan-interval}, so an idle PC's podman is left alone.
 */
final class JobReports {

    private static final Logger LOG = Logger.getLogger(JobReports.class);
    private static final long MIB = 1024L * 1024;

    private final AgentSettings settings;
    private final AgentState state;
    private final LibpodClient libpod;
    private final ExitWatch exits;
    /** The CPUs lent now: cores times the CPU cap in force. */
    private final java.util.function.DoubleSupplier lentCpus;
    private final Clock clock;
    private volatile Supplier<OwnerState> owner = () -> OwnerState.IDLE;
    /** When the labelled containers were last listed; touched by the heartbeat timer only. */
    private Instant lastScanAt;

    JobReports(AgentSettings settings, java.util.function.DoubleSupplier lentCpus, AgentState state, LibpodClient libpod,
               ExitWatch exits, Clock clock) {
        this.settings = settings;
        this.lentCpus = lentCpus;
        this.state = state;
        this.libpod = libpod;
        this.exits = exits;
        this.clock = clock;
    }

    void ownerSource(Supplier<OwnerState> source) {
        this.owner = source;
    }

    OwnerState owner() {
        return owner.get();
    }

    Heartbeat heartbeat(DesiredState desired) {
        List<ContainerReport> reports = new ArrayList<>();
        double usedCpus = 0;
        long usedMemory = 0;
        Map<String, ManagedContainer> known = state.containers();
        for (ContainerSummary c : jobContainers(known)) {
            String name = c.plainName();
            Optional<ContainerNames> parsed = ContainerNames.parse(name);
            if (parsed.isEmpty()) {
                continue;
            }
            boolean running = "running".equals(c.state());
            long rssMiB = 0;
            ManagedContainer mine = known.get(name);
            if (running) {
                rssMiB = sample(name);
                usedCpus += mine == null ? 1 : mine.cpus();
                usedMemory += mine == null ? 0 : mine.memoryMiB();
            } else if (mine != null && mine.dumpBlobId() == null && !exits.watching(name)) {
                exits.watch(name); // a stop nobody saw (safety net): the exit handler decides what it was
            }
            Double cpu = exits.cpuSeconds(name);
            reports.add(new ContainerReport(parsed.get().jobId(), parsed.get().epoch(), c.state(),
                    cpu == null ? 0.0 : cpu, rssMiB, mine == null ? null : mine.cpus()));
        }
        return new Heartbeat(owner.get(), desired == DesiredState.DRAIN,
                Math.max(0, lentCpus.getAsDouble() - usedCpus), Math.max(0, settings.jobMemoryMiB() - usedMemory),
                loadAverage(), reports);
    }

    /** Notes the container's CPU time; its memory in MiB. */
    private long sample(String name) {
        try {
            var stats = libpod.stats(name);
            exits.sample(name, stats);
            return stats.memoryUsageBytes() / MIB;
        } catch (RuntimeException e) {
            LOG.debugf("container=%s: no stats (%s)", name, e.getMessage());
            return 0;
        }
    }

    /** The labelled containers, when this agent has any or the idle scan is due; else none, without asking. */
    private List<ContainerSummary> jobContainers(Map<String, ManagedContainer> known) {
        Instant now = clock.instant();
        if (known.isEmpty() && lastScanAt != null && now.isBefore(lastScanAt.plus(settings.idleScanInterval()))) {
            return List.of();
        }
        List<ContainerSummary> found = libpod.listByLabel(JobRunner.LABEL_JOB);
        lastScanAt = now;
        return found;
    }

    private static double loadAverage() {
        try {
            String text = Files.readString(Path.of("/proc/loadavg"));
            return Double.parseDouble(text.substring(0, text.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
