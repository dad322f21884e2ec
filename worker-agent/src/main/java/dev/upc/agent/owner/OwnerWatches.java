package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** Builds an {@link OwnerWatch} from configuration; no CDI here, so that the agent core decides the wiring. */
public final class OwnerWatches {

    private static final Logger LOG = Logger.getLogger(OwnerWatches.class);

    private OwnerWatches() {
    }

    /**
     * @param jobCpu   the jobs' cumulative CPU time as the agent core knows it; unused when
     *                 {@code upc.agent.owner.job-cpu-file} is set
     * @param listener hears every change of the owner's state (see {@link OwnerWatch})
     * @throws IllegalArgumentException naming the setting, when a value is out of range
     */
    public static OwnerWatch from(OwnerConfig config, OwnerToggle toggle, Supplier<Duration> jobCpu,
            AgentWork agentWork, BooleanSupplier jobsHere, Consumer<OwnerState> listener) {
        return new OwnerWatch(toggle, detectors(config, jobCpu, agentWork, LogindDetector::forThisMachine),
                () -> jobsHere.getAsBoolean() ? config.interval() : config.idleInterval(), config.idleAfter(),
                listener);
    }

    /** Constructs a logind detector from the grace; tests replace the real machine's. */
    interface LogindFactory {
        LogindDetector create(Clock clock, Duration grace);
    }

    static List<OwnerDetector> detectors(OwnerConfig config, Supplier<Duration> jobCpu, AgentWork agentWork,
            LogindFactory logind) {
        validate(config);
        Set<OwnerConfig.Detector> kinds = EnumSet.copyOf(config.detectors());
        List<OwnerDetector> detectors = new ArrayList<>();
        if (kinds.contains(OwnerConfig.Detector.LOGIND)) {
            LogindDetector detector = logind.create(Clock.systemUTC(), config.activeGrace());
            if (detector.available()) {
                detectors.add(detector);
            } else {
                LOG.infof("Owner detector logind skipped: %s", detector.unavailableReason().orElse("unavailable"));
            }
        }
        if (kinds.contains(OwnerConfig.Detector.INPUT)) {
            InputDetector.forThisMachine(config.activeGrace()).ifPresentOrElse(detectors::add,
                    () -> LOG.infof("Owner detector input skipped: no PS/2 controller and no /dev/input here"));
        }
        config.lendingHours().ifPresent(hours -> detectors.add(LendingHours.parse(hours, Clock.systemDefaultZone())));
        if (kinds.contains(OwnerConfig.Detector.CPU)) {
            Supplier<Duration> jobs = config.jobCpuFile().map(Path::of).map(CgroupCpuTime::fromFile).orElse(jobCpu);
            detectors.add(CpuLoadDetector.forThisMachine(jobs, config.cpuThreshold(), agentWork));
        }
        LOG.infof("Owner detectors: %s", detectors.isEmpty() ? "none (the owner toggle alone decides)"
                : String.join(", ", detectors.stream().map(OwnerDetector::name).toList()));
        return detectors;
    }

    static void validate(OwnerConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.detectors().isEmpty()) {
            problems.add("upc.agent.owner.detectors must name at least one of logind, cpu, input, none");
        } else if (config.detectors().contains(OwnerConfig.Detector.NONE) && config.detectors().size() > 1) {
            problems.add("upc.agent.owner.detectors: 'none' cannot be combined with other detectors, got "
                    + config.detectors());
        }
        if (!positive(config.interval())) {
            problems.add("upc.agent.owner.interval must be positive, got " + config.interval());
        }
        if (!positive(config.idleInterval())) {
            problems.add("upc.agent.owner.idle-interval must be positive, got " + config.idleInterval());
        }
        if (config.idleAfter().isNegative()) {
            problems.add("upc.agent.owner.idle-after must not be negative, got " + config.idleAfter());
        }
        if (!(config.cpuThreshold() > 0) || Double.isInfinite(config.cpuThreshold())) {
            problems.add("upc.agent.owner.cpu-threshold must be a number of cores above 0 (e.g. 0.5), got "
                    + config.cpuThreshold());
        }
        if (config.activeGrace().isNegative()) {
            problems.add("upc.agent.owner.active-grace must not be negative, got " + config.activeGrace());
        }
        try {
            config.lendingHours().ifPresent(hours -> LendingHours.parse(hours, Clock.systemDefaultZone()));
        } catch (IllegalArgumentException e) {
            problems.add("upc.agent.owner.lending-hours: " + e.getMessage());
        }
        if (config.jobCpuFile().filter(file -> !file.startsWith("/")).isPresent()) {
            problems.add("upc.agent.owner.job-cpu-file must be an absolute path, got " + config.jobCpuFile().get());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
