package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Sees the owner through the CPU: ACTIVE when the machine, less the jobs, used more than {@code thresholdCores}
 * on average since the previous sample. It catches what logind cannot (someone working over ssh, a long compile
 * started before leaving) but also busy daemons: a PC that is busy anyway is no PC to lend.
 *
 * <p>The threshold is in cores, not a share of the machine, because what an owner uses does not grow with the
 * core count. 0.5 cores averaged over a sample (0.5 s by default): an idle desktop with the agent, podman and a
 * browser stays well below (0.01–0.2), while video, a build or an office suite at work goes above. The agent's own
 * work outside the jobs' cgroups (a CRIU dump is about a core for 1.5 s at 256 MiB) is {@link AgentWork}: a sample
 * that overlaps it repeats the previous answer, so it does not look like the owner coming back, and the samples can
 * be short enough to see the owner within a second.
 */
public final class CpuLoadDetector implements OwnerDetector {

    public static final double DEFAULT_THRESHOLD_CORES = 0.5;
    /** USER_HZ: 100 on every architecture Linux runs the agent on (x86, arm64); the JDK cannot ask sysconf. */
    static final long USER_HZ = 100;

    private final KernelFile procStat;
    private final Supplier<Duration> jobCpu;
    private final double thresholdCores;
    private final long ticksPerSecond;

    private final AgentWork agentWork;

    private CpuTimes lastTimes;
    private Duration lastJobCpu;
    private long lastMark;
    private OwnerState lastState = OwnerState.IDLE;
    private volatile CpuLoad lastLoad = CpuLoad.NONE;

    /** @param jobCpu the cumulative CPU time of all job containers (never decreasing), e.g. {@link CgroupCpuTime} */
    public CpuLoadDetector(Path procStat, Supplier<Duration> jobCpu, double thresholdCores, long ticksPerSecond) {
        this(procStat, jobCpu, thresholdCores, ticksPerSecond, new AgentWork());
    }

    /** @param agentWork the agent's own work: a sample overlapping it repeats the previous answer */
    public CpuLoadDetector(Path procStat, Supplier<Duration> jobCpu, double thresholdCores, long ticksPerSecond,
            AgentWork agentWork) {
        if (!(thresholdCores > 0)) {
            throw new IllegalArgumentException("CPU threshold must be above 0 cores, got " + thresholdCores);
        }
        this.procStat = new KernelFile(procStat);
        this.jobCpu = Objects.requireNonNull(jobCpu, "jobCpu");
        this.thresholdCores = thresholdCores;
        this.ticksPerSecond = ticksPerSecond;
        this.agentWork = Objects.requireNonNull(agentWork, "agentWork");
    }

    public static CpuLoadDetector forThisMachine(Supplier<Duration> jobCpu, double thresholdCores,
            AgentWork agentWork) {
        return new CpuLoadDetector(Path.of("/proc/stat"), jobCpu, thresholdCores, USER_HZ, agentWork);
    }

    @Override
    public String name() {
        return "cpu";
    }

    /**
     * The first sample only sets the baseline and says IDLE; one that overlaps the agent's own work says what the
     * previous one said.
     */
    @Override
    public synchronized OwnerState sample() throws IOException {
        Duration jobs = jobCpu.get();
        java.util.Optional<String> text = procStat.read();
        if (text.isEmpty()) {
            throw new NoSuchFileException("/proc/stat");
        }
        CpuTimes times = CpuTimes.parse(text.get());
        boolean agentBusy = agentWork.since(lastMark);
        lastMark = agentWork.mark();
        CpuLoad load = lastTimes == null ? CpuLoad.NONE
                : CpuLoad.between(lastTimes, times, jobs.minus(lastJobCpu), ticksPerSecond);
        lastTimes = times;
        lastJobCpu = jobs;
        if (agentBusy) {
            return lastState;
        }
        lastLoad = load;
        lastState = load.cores() > thresholdCores ? OwnerState.ACTIVE : OwnerState.IDLE;
        return lastState;
    }

    /** The non-job load measured by the last sample (for the heartbeat and logs). */
    public CpuLoad lastLoad() {
        return lastLoad;
    }
}
