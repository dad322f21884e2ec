package dev.upc.agent.owner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How the agent tells whether the PC's owner is using it. {@link OwnerWatches#from} checks the values. */
@ConfigMapping(prefix = "upc.agent.owner")
public interface OwnerConfig {

    enum Detector {
        /** systemd-logind's idle hints of local sessions; skipped with a log line where there is no logind. */
        LOGIND,
        /** CPU use of everything but the jobs. */
        CPU,
        /** Keyboard and mouse activity (PS/2 interrupts, input devices' times); skipped where there are none. */
        INPUT,
        /** No detector: only {@code upc-agent owner active|idle|auto} decides (simulated PCs sharing one machine). */
        NONE
    }

    /** Which detectors to ask; the owner is ACTIVE when any of them says so. */
    @WithDefault("logind,cpu,input")
    List<Detector> detectors();

    /** How often to ask the detectors while jobs run here: the CPU detector sees the owner within two of these. */
    @WithDefault("500ms")
    Duration interval();

    /** How often to ask them while no job runs here (nothing of the owner's is at stake then). */
    @WithDefault("5s")
    Duration idleInterval();

    /** How long every detector must say IDLE before the owner counts as gone (ACTIVE is at once). */
    @WithDefault("60s")
    Duration idleAfter();

    /** Non-job CPU use, in cores averaged over one interval, above which the owner counts as ACTIVE. */
    @WithDefault("0.5")
    double cpuThreshold();

    /**
     * A cgroup file with the jobs' cumulative CPU time, subtracted from the machine's: cgroup v1
     * {@code cpuacct.usage} (ns) or cgroup v2 {@code cpu.stat} ({@code usage_usec}). When absent the agent counts
     * its containers' CPU time itself.
     */
    Optional<String> jobCpuFile();

    /**
     * When the PC is lent, e.g. {@code mon-fri 18:00-08:00, sat-sun} (see {@link LendingHours}); outside these hours
     * the owner counts as using it. Unset: always, when the detectors say the owner is away.
     */
    Optional<String> lendingHours();

    /** How long a local session counts as in use after its last input (text) or after turning idle (graphical). */
    @WithDefault("2m")
    Duration activeGrace();
}
