package dev.upc.agent;

import dev.upc.agent.config.AgentConfig;
import dev.upc.agent.config.AgentConfigException;
import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.HttpControlPlane;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.facts.CriuUnavailableException;
import dev.upc.agent.facts.MachineFacts;
import dev.upc.agent.facts.MachineFactsException;
import dev.upc.agent.job.ExitWatch;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.job.LogShipper;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.lifecycle.Agent;
import dev.upc.agent.lifecycle.Startup;
import dev.upc.agent.lifecycle.Startup.Ready;
import dev.upc.agent.lifecycle.StartupCheckException;
import dev.upc.agent.lifecycle.StartupChecks;
import dev.upc.agent.lifecycle.StopKind;
import dev.upc.agent.local.LocalCommand;
import dev.upc.agent.local.LocalEndpoint;
import dev.upc.agent.local.LocalSecret;
import dev.upc.agent.owner.CpuCap;
import dev.upc.agent.owner.OwnerConfig;
import dev.upc.agent.owner.OwnerToggle;
import dev.upc.agent.owner.OwnerWatch;
import dev.upc.agent.owner.OwnerWatches;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.CachedPodman;
import dev.upc.protocol.WorkerRegistration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code upc-agent [run | check | status | owner active|idle|auto]}: the worker agent's entry point.
 * <ul>
 *   <li>{@code run} (default) — check this PC, register, and carry out the scheduler's commands until stopped;</li>
 *   <li>{@code check} — check the configuration, libpod and CRIU, and exit 0 or 1;</li>
 *   <li>{@code train} — start for real (register, heartbeat, poll) and stop a few seconds later: what
 *       {@code upc-agent train-aot} runs to record the JDK's start-up cache;</li>
 *   <li>{@code status} — print the running agent's status (from its localhost endpoint);</li>
 *   <li>{@code owner snooze DURATION} — do not lend the PC for that long (e.g. {@code 2h}), then decide again;</li>
 *   <li>{@code owner cpu PERCENT|default} — lend at most that share of each lent core's time from now on (kept across
 *   restarts), or the configured {@code upc.agent.cpu-limit-percent} again;</li>
 *   <li>{@code owner show} — the owner's settings in force;</li>
 *   <li>{@code owner active|idle|auto} — tell the running agent that the owner is (not) using the PC, or let its
 *       detectors decide again.</li>
 * </ul>
 * Exit codes: 0 fine, 1 failure, 2 usage, 3 this PC cannot run jobs as configured, 78 bad configuration (EX_CONFIG:
 * systemd does not restart the agent for it, see the unit's RestartPreventExitStatus).
 */
@QuarkusMain
public class AgentMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(AgentMain.class);
    static final int USAGE = 2;
    static final int NOT_READY = 3;
    static final int BAD_CONFIG = 78;
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(60);
    /** How often what each job wrote to disk is measured (the kubelet's housekeeping interval is 10 s too). */
    private static final Duration DISK_WATCH_INTERVAL = Duration.ofSeconds(10);
    private static final Duration TRAINING_IDLE = Duration.ofSeconds(6);

    @Inject
    AgentConfig config;
    @Inject
    OwnerConfig ownerConfig;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    @Override
    public int run(String... args) {
        String command = args.length == 0 ? "run" : args[0];
        try {
            return switch (command) {
                case "run" -> args.length == 1 || args.length == 0 ? runAgent(false) : usage();
                case "train" -> args.length == 1 ? runAgent(true) : usage();
                case "check" -> check();
                case "status" -> LocalCommand.status(config.localPort());
                case "owner" -> LocalCommand.owner(config.localPort(), config.stateDir(), args)
                        .orElseGet(AgentMain::usage);
                case "prepare-sleep" -> args.length == 1 ? LocalCommand.prepareSleep(config.localPort(),
                        config.stateDir()) : usage();
                case "help", "--help", "-h" -> {
                    usage();
                    yield 0;
                }
                default -> usage();
            };
        } catch (AgentConfigException e) {
            System.err.println("upc-agent: " + e.getMessage());
            return BAD_CONFIG;
        } catch (StartupCheckException | CriuUnavailableException | MachineFactsException e) {
            System.err.println("upc-agent: " + e.getMessage());
            return NOT_READY;
        }
    }

    private static int usage() {
        System.err.println("usage: upc-agent [run | check | train | status | owner show | owner active|idle|auto"
                + " | owner snooze 2h | owner cpu 50|default | prepare-sleep]");
        return USAGE;
    }

    private int check() {
        Ready ready = Startup.prepare(config, false);
        System.out.printf("upc-agent check: configuration fine for PC %s; libpod %s (%s, cgroup %s); CRIU %s passes"
                        + " `criu check`; %d cores, %d MiB, lending %.2f CPUs and %d MiB%n", ready.settings().name(),
                ready.host().podmanVersion(), ready.host().ociRuntime(), ready.host().cgroupVersion(),
                ready.facts().criuVersion(), ready.facts().cores(), ready.facts().memoryMiB(),
                ready.settings().jobCpuShare(), ready.settings().jobMemoryMiB());
        return 0;
    }

    /**
     * @param training {@code train}: a real start (registers, heartbeats, polls) that stops a few seconds after the
     *                 first heartbeat, for {@code upc-agent train-aot} to record the JVM's start-up cache from
     */
    private int runAgent(boolean training) {
        long processStart = StartupChecks.processStartMillis();
        Ready ready = Startup.prepare(config, true);
        AgentSettings settings = ready.settings();
        AgentState state = ready.state();
        LocalSecret secret = settings.localPort() == 0 ? null : localSecret(settings);
        double score = dev.upc.agent.bench.Benchmarks.score(state, ready.facts(), settings.benchmarkMaxAge(),
                Clock.systemUTC());
        CpuCap cap = new CpuCap(settings.cpuLimitPercent(), state.cpuCapPercent().orElse(null),
                state::cpuCapPercent);
        WorkerRegistration registration = registration(ready, ready.host(), score * cap.share());
        ControlPlane control = new HttpControlPlane(settings.registryUrl(), settings.schedulerUrl(), settings.tls());
        StoreClient store = new StoreClient(settings.storeUrl(), settings.tls());
        ExitWatch exits = new ExitWatch(ready.libpod());
        JobCgroups cgroups = new JobCgroups(Path.of("/sys/fs/cgroup"), ready.host().cgroupVersion(),
                ready.host().cgroupManager());
        Agent agent = new Agent(settings, registration, state, ready.libpod(), control, exits, cap, Clock.systemUTC(),
                processStart);
        cap.addListener(percent -> agent.capChanged(registration(ready, currentHost(ready), score * cap.share())));
        agent.beginRegistration();
        LogShipper logs = new LogShipper(ready.libpod(), agent::shipLogs, LogShipper.Settings.defaults());
        JobRunner runner = new JobRunner(agent.relieving(new LibpodDriver(ready.libpod(), cgroups,
                settings.userNamespace())), ready.libpod(), store,
                agent::blobToken,
                state, new JobRunner.Limits(settings.jobCpus(), cap::share, settings.jobMemoryMiB(),
                settings.jobDiskMiB()), exits, logs, settings.pullImages());
        agent.runner(runner);
        runner.watchDisk(DISK_WATCH_INTERVAL);
        OwnerToggle toggle = new OwnerToggle();
        try (logs; // closed after the agent: its commands may still finish logs
             OwnerWatch owner = OwnerWatches.from(ownerConfig, toggle, jobCpuTime(exits, cgroups), agent.work(),
                     () -> !state.containers().isEmpty(), agent::ownerChanged);
             LocalEndpoint local = settings.localPort() == 0 ? null
                     : LocalEndpoint.start(settings.localPort(), agent, toggle, cap, secret);
             agent) {
            agent.ownerSource(owner::current);
            agent.onTaskRunning(owner::hurry); // jobs here: the owner's CPU is at stake, sample often
            owner.start();
            agent.start();
            StoreClient.warmUpHashing();
            if (ready.hostFromCache()) {
                refreshPodmanFacts(ready, score, cap, agent);
            }
            if (ready.criuFromCache()) {
                Startup.recheckCriu(config.criu(), ready.state(), () -> Quarkus.asyncExit(NOT_READY));
            }
            if (training) {
                return awaitTrained(agent);
            }
            Duration leaveTimeout = config.leaveTimeout();
            // SIGTERM starts the JVM's shutdown, which ends the process once its hooks have run, whatever this
            // thread still does: a hook of ours waits for the agent to close, so that the jobs can leave first.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> agent.awaitClosed(leaveTimeout.plusSeconds(10)),
                    "upc-await-close"));
            Quarkus.waitForExit();
            if (StopKind.jobsLeave(config.leaveOnStop())) {
                agent.leave(leaveTimeout);
            }
            return 0;
        } catch (IOException e) {
            throw new StartupCheckException("cannot open the local endpoint on 127.0.0.1:" + settings.localPort()
                    + " (" + e.getMessage() + "); set upc.agent.local-port to a free port or 0", e);
        }
    }

    private LocalSecret localSecret(AgentSettings settings) {
        try {
            return LocalSecret.openOrCreate(settings.stateDir(), config.localGroup());
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new StartupCheckException(e.getMessage(), e);
        }
    }

    /** {@code train}: waits for the first heartbeat, lets the poll and owner loops run a little, and returns. */
    private static int awaitTrained(Agent agent) {
        long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
        try {
            while (!agent.ready()) {
                if (System.nanoTime() > deadline) {
                    System.err.println("upc-agent: no heartbeat went through within " + TRAINING_TIMEOUT.toSeconds()
                            + " s: " + java.util.Objects.toString(agent.status().lastError(), "no error reported"));
                    return 1;
                }
                Thread.sleep(50);
            }
            Thread.sleep(TRAINING_IDLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        System.out.println("upc-agent train: registered, heartbeat and poll went through; stopping");
        return 0;
    }

    /** Asks libpod for its facts after the start; registers again if podman changed since they were cached. */
    private void refreshPodmanFacts(Ready ready, double score, CpuCap cap, Agent agent) {
        Thread refresh = new Thread(() -> {
            try {
                PodmanHost fresh = ready.libpod().host();
                if (!fresh.equals(ready.host())) {
                    LOG.infof("podman changed (%s %s → %s %s): registering the new facts", ready.host().podmanVersion(),
                            ready.host().ociRuntime(), fresh.podmanVersion(), fresh.ociRuntime());
                    ready.state().podman(new CachedPodman(ready.settings().podmanSocket().toString(), fresh));
                    agent.updateRegistration(registration(ready, fresh, score * cap.share()));
                }
            } catch (RuntimeException e) {
                LOG.warnf("could not refresh podman's facts: %s", e.getMessage());
            }
        }, "upc-podman-facts");
        refresh.setDaemon(true);
        refresh.start();
    }

    /**
     * The jobs' CPU time for the owner's CPU detector: the parent of the jobs' own cgroups, or podman's parent cgroup
     * (cgroup v1 cgroupfs, or v2 with systemd), counts every container continuously; where neither exists, the agent's
     * own readings of its jobs.
     */
    private static java.util.function.Supplier<Duration> jobCpuTime(ExitWatch exits, JobCgroups cgroups) {
        Optional<Path> all = cgroups.allJobsCpuFile();
        if (all.isPresent()) {
            return dev.upc.agent.owner.CgroupCpuTime.fromFile(all.get());
        }
        for (String candidate : List.of("/sys/fs/cgroup/cpu,cpuacct/libpod_parent/cpuacct.usage",
                "/sys/fs/cgroup/cpuacct/libpod_parent/cpuacct.usage", "/sys/fs/cgroup/machine.slice/cpu.stat")) {
            java.nio.file.Path file = java.nio.file.Path.of(candidate);
            if (java.nio.file.Files.isReadable(file)) {
                return dev.upc.agent.owner.CgroupCpuTime.fromFile(file);
            }
        }
        return exits::totalCpu;
    }

    private WorkerRegistration registration(Ready ready, PodmanHost host, double lentScore) {
        return registration(ready.facts(), ready.settings(), host, lentScore, version);
    }

    /** Podman's facts as last learnt (a refresh after a start from the cache may have replaced them). */
    private static PodmanHost currentHost(Ready ready) {
        return ready.state().podman().map(CachedPodman::host).orElse(ready.host());
    }

    /**
     * What this PC registers: its facts, podman's, and what its settings lend (name, cores, memory); its speed is
     * {@code lentScore}, the benchmark score times the CPU cap in force.
     */
    static WorkerRegistration registration(MachineFacts f, AgentSettings s, PodmanHost host, double lentScore,
                                           String version) {
        Integer cgroup = switch (host.cgroupVersion()) {
            case "v1" -> 1;
            case "v2" -> 2;
            default -> null;
        };
        return new WorkerRegistration(f.machineId(), s.name(), version, f.cores(), f.memoryMiB(), s.jobCpus(),
                f.cpuModel(), List.copyOf(f.cpuFlags()), lentScore,
                host.podmanVersion(), f.criuVersion(), host.ociRuntime(), cgroup, f.arch(), s.labels(),
                s.jobMemoryMiB(), s.jobDiskMiB());
    }
}
