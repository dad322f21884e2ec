package dev.upc.e2e.bench;

import dev.upc.agent.lifecycle.AgentStatus;
import dev.upc.agent.lifecycle.StartupChecks;
import dev.upc.e2e.WorkDirectory;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.e2e.agent.AgentProcess.Launch;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.job.RepoFiles;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./upc bench agent}: how fast the worker agent starts and how little it costs a PC while idle, against the
 * issue's targets (start to registered under 500 ms with JVM + AOT cache, idle RSS under 80 MiB on the JVM, idle CPU
 * under 0.1 % of a core over 5 minutes: {@code --idle 300}) and against Debian's {@code boinc-client} started idle on the same machine in the same run.
 * One JSON line per mode on stdout, the median of {@code --starts} starts:
 * <pre>{"bench":"agent","mode":"jvm","startToRegisteredMs":…,"idleRssMiB":…,"idleCpuPercent":…}</pre>
 * Progress, timelines and diagnostics on stderr.
 *
 * <p>One {@link ServiceCluster} (heartbeat interval 10 s, as in production) and one {@link SimulatedPc} serve every
 * start. All starts share one machine id and state directory, so each start is a restarted agent: a first unmeasured
 * start makes the CPU benchmark cache, and each mode has an unmeasured warm-up start (page cache, and class-load and
 * JVM start-up logs for the diagnosis). The agent runs from a copy of its fast-jar taken when the bench starts, so a
 * rebuild meanwhile neither mixes versions nor invalidates the AOT cache (which records the jars' times).
 * <ul>
 *   <li>{@code jvm}: the JVM options of the launcher {@code upc-agent}, read from the script, on the bench's java;</li>
 *   <li>{@code jvm-aot}: the same plus {@code -XX:AOTCache}, on Java 25 or newer: the cache is trained by one
 *       {@code run} with {@code -XX:AOTCacheOutput} that registers, idles a few seconds and gets SIGTERM; its warm-up
 *       start runs with {@code -XX:AOTMode=on}, which fails if the cache is unusable;</li>
 *   <li>{@code native}: {@code worker-agent/target/*-runner}, when a native build exists;</li>
 *   <li>{@code boinc-client}: {@code boinc --dir <temp> --gui_rpc_port <free> --skip_cpu_benchmarks}, no project
 *       attached (its benchmarks would otherwise run at the first start only, like the agent's). Its "registered" is
 *       the first GUI RPC answered ({@code exchange_versions} on 127.0.0.1): the RPC socket is set up at the end of
 *       its initialization, and its log's "Initialization completed" is stamped to whole seconds only.</li>
 * </ul>
 *
 * <p>Every figure is taken from the bench's clock: start = just before the process is spawned. The agent's own
 * {@code startToRegisteredMillis} counts from its process start in {@code /proc} (10 ms resolution); the bench adds
 * the few ms between its spawn call and that start, and shows the agent's figure on stderr beside its own. Idle: the
 * {@code --idle} seconds with nothing to do that follow {@code --settle} seconds after registration (boinc-client:
 * after its first RPC), so the figure is the cost of an idle agent on a PC, not the tail of its start-up (the JIT's
 * last compilations; the first 30 s cost ~0.1 % more); CPU = utime + stime of {@code /proc/<pid>/stat} over the
 * window as percent of one core, RSS = {@code VmRSS} at its end; both for every measured start. The agent runs with
 * its default owner detectors (logind, CPU load and input, every 0.5 s) and long-poll wait, as installed on a PC.
 */
public final class AgentBench {

    private static final String AGENT_APP = "worker-agent/target/quarkus-app";
    private static final String LAUNCHER = "worker-agent/src/dist/bin/upc-agent";
    /** If the launcher cannot be read: its options when this bench was written. */
    private static final List<String> LAUNCHER_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-Xss512k",
            "-XX:CICompilerCount=2", "-XX:+ExitOnOutOfMemoryError", "-XX:+UnlockDiagnosticVMOptions",
            "-XX:AsyncDeflationInterval=0");
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** The JVM writes the AOT cache while exiting: it runs an assembly phase first. */
    private static final Duration TRAINING_STOP_GRACE = Duration.ofMinutes(4);
    private static final long TICKS_PER_SECOND = clockTicks();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+)\\s");
    /**
     * Classes whose first load marks a step of the agent's start, in order (read from the warm-up's class-load log,
     * stamped with the JVM's uptime): the fast-jar entry, Quarkus' boot, the agent's main, its facts, its libpod and
     * CRIU checks, its state file, the control-plane client, the registration's answer.
     */
    private static final List<String> LANDMARKS = List.of("io.quarkus.bootstrap.runner.QuarkusEntryPoint",
            "io.quarkus.runtime.Application", "dev.upc.agent.AgentMain", "dev.upc.agent.facts.ProcMachineFacts",
            "dev.upc.agent.lifecycle.StartupChecks", "dev.upc.agent.libpod.PodmanHost", "dev.upc.agent.state.AgentState",
            "dev.upc.agent.control.ControlPlane", "dev.upc.protocol.WorkerRegistered");
    /** Log lines that mark the agent's start-up steps, in order. */
    private static final Map<String, Pattern> MILESTONES = milestones();

    private final Options options;
    private final Path dir;
    private int failures;

    private AgentBench(Options options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    /** What to run: how many measured starts per mode, how long each idles, which modes. */
    record Options(int starts, Duration idle, Duration settle, Duration trainingIdle, List<String> modes,
                   List<String> jvmOptions, boolean tls) {

        static final List<String> ALL_MODES = List.of("jvm", "jvm-aot", "native", "boinc-client");

        static Optional<Options> parse(List<String> args) {
            int starts = 5;
            Duration idle = Duration.ofSeconds(30);
            Duration settle = Duration.ofSeconds(10);
            Duration trainingIdle = Duration.ofSeconds(5);
            List<String> modes = ALL_MODES;
            List<String> jvmOptions = List.of();
            boolean tls = false;
            try {
                for (int i = 0; i < args.size(); i++) {
                    switch (args.get(i)) {
                        case "--starts" -> starts = Integer.parseInt(args.get(++i));
                        case "--idle" -> idle = Duration.ofSeconds(Long.parseLong(args.get(++i)));
                        case "--settle" -> settle = Duration.ofSeconds(Long.parseLong(args.get(++i)));
                        case "--training-idle" -> trainingIdle = Duration.ofSeconds(Long.parseLong(args.get(++i)));
                        case "--modes" -> modes = List.of(args.get(++i).split(","));
                        case "--jvm-options" -> jvmOptions = List.of(args.get(++i).trim().split("\\s+"));
                        case "--tls" -> tls = true;
                        default -> {
                            return Optional.empty();
                        }
                    }
                }
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            if (starts < 1 || idle.isNegative() || settle.isNegative() || !ALL_MODES.containsAll(modes)) {
                return Optional.empty();
            }
            return Optional.of(new Options(starts, idle, settle, trainingIdle, modes, jvmOptions, tls));
        }
    }

    /** One measured start: the bench's figures, the agent's own figure and the start-up timeline. */
    private record Sample(long startToReadyMs, Long selfReportedMs, double idleRssMiB, double idleCpuPercent,
                          Map<String, Long> milestonesMs, Map<String, Long> idleTicksByThread,
                          Map<String, Double> rssPartsMiB) {
    }

    public static int run(List<String> args, Path work) {
        Optional<Options> parsed = Options.parse(args);
        if (parsed.isEmpty()) {
            System.err.println("usage: ./upc bench agent [--starts 5] [--idle 30] [--settle 10] [--training-idle 5]"
                    + " [--modes " + String.join(",", Options.ALL_MODES) + "] [--jvm-options '-Xms16m …'] [--tls]"
                    + " (JVM options appended to the launcher's, to try some; --tls: the services on HTTPS only and"
                    + " the agent trusting their CA)");
            return 2;
        }
        Path dir = work.resolve("bench-agent").toAbsolutePath();
        try {
            WorkDirectory.delete(dir);
            Files.createDirectories(dir);
            return new AgentBench(parsed.get(), dir).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int run() throws IOException {
        Options o = options;
        progress("%d measured starts per mode, %d s idle each after %d s to settle; load %s", o.starts(),
                o.idle().toSeconds(), o.settle().toSeconds(), load());
        List<String> agentModes = o.modes().stream().filter(m -> !m.equals("boinc-client")).toList();
        if (!agentModes.isEmpty()) {
            Path jar = snapshotAgent();
            List<String> launcherOptions = new ArrayList<>(launcherOptions());
            progress("launcher JVM options: %s%s", String.join(" ", launcherOptions),
                    o.jvmOptions().isEmpty() ? "" : "; trying in addition: " + String.join(" ", o.jvmOptions()));
            launcherOptions.addAll(o.jvmOptions());
            try (ServiceCluster cluster = ServiceCluster.builder().workDir(dir.resolve("cluster")).tls(o.tls())
                    .liveness(HEARTBEAT, Duration.ofSeconds(30), Duration.ofSeconds(90)).start();
                 SimulatedPc pc = SimulatedPc.start("bench")) {
                Map<String, String> settings = Map.of(
                        "upc.agent.machine-id", "bench-agent-" + Long.toHexString(System.nanoTime()),
                        "upc.agent.state-dir", dir.resolve("state").toString(),
                        // the agent's defaults, where the simulated PCs of tests and demo set others
                        "upc.agent.poll-wait", "25s",
                        "upc.agent.owner.detectors", "logind,cpu,input");
                AgentRuns runs = new AgentRuns(cluster, pc, settings, o.settle());
                externalTimings(pc);
                runs.once(Launch.jvm(jar, launcherOptions), "first start (runs and caches the CPU benchmark)",
                        Duration.ZERO);
                for (String mode : agentModes) {
                    try {
                        agentMode(mode, runs, jar, launcherOptions).ifPresent(System.out::println);
                    } catch (RuntimeException e) {
                        failures++;
                        progress("mode %s FAILED: %s", mode, e.getMessage());
                    }
                }
            }
        }
        if (o.modes().contains("boinc-client")) {
            try {
                boinc().ifPresent(System.out::println);
            } catch (RuntimeException e) {
                failures++;
                progress("mode boinc-client FAILED: %s", e.getMessage());
            }
        }
        progress("done; load %s", load());
        return failures == 0 ? 0 : 1;
    }

    // ---- the agent -----------------------------------------------------------------------------------------------

    private Optional<String> agentMode(String mode, AgentRuns runs, Path jar, List<String> launcherOptions)
            throws IOException {
        Launch measured;
        List<String> diagnostic;
        switch (mode) {
            case "jvm" -> {
                measured = Launch.jvm(jar, launcherOptions);
                diagnostic = new ArrayList<>(launcherOptions);
            }
            case "jvm-aot" -> {
                if (Runtime.version().feature() < 25) {
                    progress("mode jvm-aot skipped: AOT caches need Java 25 or newer, this is %s", Runtime.version());
                    return Optional.empty();
                }
                Path cache = train(runs, jar, launcherOptions);
                List<String> withCache = new ArrayList<>(launcherOptions);
                withCache.add("-XX:AOTCache=" + cache);
                measured = Launch.jvm(jar, withCache);
                diagnostic = new ArrayList<>(withCache);
                diagnostic.add("-XX:AOTMode=on"); // fails the start if the cache cannot be used
            }
            case "native" -> {
                Optional<Path> runner = nativeRunner();
                if (runner.isEmpty()) {
                    progress("mode native skipped: no native executable worker-agent/target/*-runner (build it with"
                            + " -Pnative where GraalVM is installed)");
                    return Optional.empty();
                }
                measured = new Launch(List.of(runner.get().toString(), "-Xmx64m"), List.of());
                diagnostic = null;
            }
            default -> throw new IllegalArgumentException(mode);
        }
        if (diagnostic != null) {
            Path classes = dir.resolve(mode + "-class-load.log");
            Path startup = dir.resolve(mode + "-startuptime.log");
            diagnostic.add("-Xlog:class+load=info:file=" + classes);
            diagnostic.add("-Xlog:startuptime=info:file=" + startup);
            diagnostic.add("-XX:NativeMemoryTracking=summary");
            runs.once(Launch.jvm(jar, diagnostic), mode + " warm-up (with class-load log and NMT)",
                    Duration.ofSeconds(5), true);
            reportClassLoading(mode, classes, startup);
        } else {
            runs.once(measured, mode + " warm-up", Duration.ZERO);
        }
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= options.starts(); i++) {
            samples.add(runs.once(measured, mode + " start " + i + "/" + options.starts(), options.idle()));
        }
        summarize(mode, samples);
        return Optional.of(json(mode, options.tls(), samples));
    }

    /** Trains the AOT cache with one real run: start, register, heartbeat, long-poll, idle, SIGTERM. */
    private Path train(AgentRuns runs, Path jar, List<String> launcherOptions) throws IOException {
        Path cache = dir.resolve("agent.aot");
        Files.deleteIfExists(cache);
        List<String> training = new ArrayList<>(launcherOptions);
        training.add("-XX:AOTCacheOutput=" + cache);
        long start = System.nanoTime();
        AgentProcess agent = runs.launch(Launch.jvm(jar, training));
        try {
            agent.awaitRegistered(REGISTER_TIMEOUT);
            sleep(options.trainingIdle());
        } finally {
            int exit = agent.stop(TRAINING_STOP_GRACE);
            progress("jvm-aot: training run stopped (exit %d) after %.1f s", exit, (System.nanoTime() - start) / 1e9);
        }
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IllegalStateException("the training run wrote no AOT cache " + cache + "; agent log:\n"
                    + String.join("\n", tail(agent.logOfThisStart(), 30)));
        }
        progress("jvm-aot: AOT cache %s, %.1f MiB", cache, Files.size(cache) / 1048576.0);
        return cache;
    }

    /** Starts of the agent against one cluster and PC, one at a time. */
    private final class AgentRuns {

        private final ServiceCluster cluster;
        private final SimulatedPc pc;
        private final Map<String, String> settings;
        private final Duration settle;

        AgentRuns(ServiceCluster cluster, SimulatedPc pc, Map<String, String> settings, Duration settle) {
            this.cluster = cluster;
            this.pc = pc;
            this.settings = settings;
            this.settle = settle;
        }

        AgentProcess launch(Launch launch) {
            return AgentProcess.start(cluster, pc, 100, settings, launch);
        }

        /** One start: until registered, then {@code idle} with nothing to do, then SIGTERM. */
        Sample once(Launch launch, String what, Duration idle) {
            return once(launch, what, idle, false);
        }

        /** With {@code diagnose}, the JVM runs with native memory tracking: its summary is shown after the idle. */
        Sample once(Launch launch, String what, Duration idle, boolean diagnose) {
            String loadBefore = load();
            AgentProcess agent = launch(launch);
            try {
                AgentStatus status = agent.awaitRegistered(REGISTER_TIMEOUT);
                long pid = agent.pid();
                long launched = agent.launchedAtMillis();
                Long self = status.startToRegisteredMillis();
                // The agent counts from its start time in /proc (10 ms resolution); re-base onto the spawn time.
                long startToRegistered = self == null ? -1 : self + StartupChecks.processStartMillis(pid) - launched;
                Idle window = idle.isZero() ? Idle.NONE : Idle.measure(pid, settle, idle);
                Map<String, Long> milestones = milestones(agent.logOfThisStart(), launched);
                progress("%s: registered in %d ms (agent's own figure %s ms)%s; load %s", what, startToRegistered,
                        self, idle.isZero() ? "" : String.format(Locale.ROOT, "; idle %d s: RSS %.1f MiB, CPU %.3f %%",
                                idle.toSeconds(), window.rssMiB(), window.cpuPercent()), loadBefore);
                if (diagnose) {
                    nativeMemory(pid, what);
                }
                return new Sample(startToRegistered, self, window.rssMiB(), window.cpuPercent(), milestones,
                        window.ticksByThread(), window.rssParts());
            } finally {
                int exit = agent.stop(STOP_GRACE);
                if (exit == -1) {
                    progress("%s: the agent did not stop within %d s of SIGTERM: killed", what, STOP_GRACE.toSeconds());
                }
            }
        }
    }

    /** The ms since spawn at which the agent logged each milestone of its start. */
    private static Map<String, Long> milestones(List<String> log, long launchedAt) {
        Map<String, Long> at = new LinkedHashMap<>();
        for (String line : log) {
            Matcher time = LOG_TIME.matcher(line);
            if (!time.find()) {
                continue;
            }
            for (Map.Entry<String, Pattern> milestone : MILESTONES.entrySet()) {
                if (!at.containsKey(milestone.getKey()) && milestone.getValue().matcher(line).find()) {
                    try {
                        long millis = OffsetDateTime.parse(time.group(1)).toInstant().toEpochMilli();
                        at.put(milestone.getKey(), millis - launchedAt);
                    } catch (RuntimeException unparsable) {
                        // not a timestamp after all
                    }
                }
            }
        }
        return at;
    }

    private static Map<String, Pattern> milestones() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("quarkus-started", Pattern.compile("started in [0-9.]+s"));
        m.put("checks-done", Pattern.compile("Owner detectors?[: ]"));
        m.put("endpoint-up", Pattern.compile("local endpoint on "));
        m.put("registered", Pattern.compile("registered worker="));
        return m;
    }

    private void summarize(String mode, List<Sample> samples) {
        StringBuilder line = new StringBuilder();
        for (String name : MILESTONES.keySet()) {
            List<Long> values = samples.stream().map(s -> s.milestonesMs().get(name)).filter(v -> v != null).toList();
            if (!values.isEmpty()) {
                line.append(" → ").append(name).append(' ').append(medianLong(values)).append(" ms");
            }
        }
        if (!line.isEmpty()) {
            progress("%s timeline from its log (median ms since spawn): spawn%s", mode, line);
        }
        List<Long> self = samples.stream().map(Sample::selfReportedMs).filter(v -> v != null).toList();
        if (!self.isEmpty()) {
            progress("%s: the agent's own startToRegisteredMillis, median %d ms (%+d ms against the spawn time)",
                    mode, medianLong(self),
                    medianLong(self) - (long) median(samples, Sample::startToReadyMs));
        }
        List<String> parts = new ArrayList<>();
        for (String part : List.of("RssAnon", "RssFile", "RssShmem")) {
            if (samples.stream().allMatch(s -> s.rssPartsMiB().containsKey(part))) {
                parts.add(String.format(Locale.ROOT, "%s %.1f", part,
                        median(samples, s -> s.rssPartsMiB().get(part))));
            }
        }
        if (!parts.isEmpty()) {
            progress("%s: idle RSS %.1f MiB = %s MiB (medians; RssFile: mapped files, i.e. the program and its"
                    + " libraries, for a JVM also its CDS/AOT archive)", mode, median(samples, Sample::idleRssMiB),
                    String.join(" + ", parts));
        }
        Map<String, Long> ticks = new HashMap<>();
        samples.forEach(s -> s.idleTicksByThread().forEach((t, n) -> ticks.merge(t, n, Long::sum)));
        long total = ticks.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            String top = ticks.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("");
            progress("%s: idle CPU by thread, ticks of 1/%d s summed over %d windows of %d s: %s (total %d)", mode,
                    TICKS_PER_SECOND, samples.size(), options.idle().toSeconds(), top, total);
        }
    }

    private void reportClassLoading(String mode, Path classes, Path startup) throws IOException {
        if (Files.isRegularFile(classes)) {
            long loaded = 0;
            long fromCache = 0;
            long fromJrt = 0;
            Map<String, String> firstLoads = new LinkedHashMap<>();
            Pattern loadLine = Pattern.compile("^\\[([0-9.]+)s\\]\\S* (\\S+) source: ");
            try (Stream<String> lines = Files.lines(classes)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!line.contains(" source: ")) {
                        continue;
                    }
                    Matcher m = loadLine.matcher(line);
                    if (m.find() && LANDMARKS.contains(m.group(2)) && !firstLoads.containsKey(m.group(2))) {
                        String simple = m.group(2).substring(m.group(2).lastIndexOf('.') + 1);
                        firstLoads.put(m.group(2), simple + " " + Math.round(Double.parseDouble(m.group(1)) * 1000));
                    }
                    loaded++;
                    if (line.contains("shared objects file")) {
                        fromCache++;
                    } else if (line.contains("source: jrt:/")) {
                        fromJrt++;
                    }
                }
            }
            progress("%s: %d classes loaded until stopped: %d from the CDS/AOT cache, %d from the JDK's modules,"
                    + " %d from jars or generated", mode, loaded, fromCache, fromJrt, loaded - fromCache - fromJrt);
            progress("%s: first load of landmark classes, ms of JVM uptime: %s", mode,
                    String.join(", ", firstLoads.values()));
        }
        if (Files.isRegularFile(startup)) {
            try (Stream<String> lines = Files.lines(startup)) {
                lines.filter(l -> l.contains("Create VM")).findFirst()
                        .ifPresent(l -> progress("%s: JVM start-up log: %s", mode, l.strip()));
            }
        }
    }

    /** The JVM's own account of its memory (NMT summary, committed KiB per area), one line. */
    private static void nativeMemory(long pid, String what) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            Matcher area = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB")
                    .matcher(out);
            Matcher total = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(out);
            List<String> areas = new ArrayList<>();
            while (area.find()) {
                long kib = Long.parseLong(area.group(2));
                if (kib >= 1024) {
                    areas.add(String.format(Locale.ROOT, "%s %.1f", area.group(1).strip(), kib / 1024.0));
                }
            }
            progress("%s: NMT committed MiB: %s%s", what, String.join(", ", areas),
                    total.find() ? String.format(Locale.ROOT, " (total %.1f)", Long.parseLong(total.group(1)) / 1024.0)
                            : "");
        } catch (IOException e) {
            progress("%s: jcmd failed: %s", what, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<Path> nativeRunner() throws IOException {
        Path target;
        try {
            target = RepoFiles.find("worker-agent/target");
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> runners = Files.newDirectoryStream(target, "*-runner")) {
            for (Path runner : runners) {
                if (Files.isRegularFile(runner) && Files.isExecutable(runner)) {
                    return Optional.of(runner);
                }
            }
        }
        return Optional.empty();
    }

    /** A copy of the packaged agent with the original files' times, so the AOT cache's jar checks hold. */
    private Path snapshotAgent() throws IOException {
        Path source = RepoFiles.find(AGENT_APP);
        Path copy = dir.resolve("quarkus-app");
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path to = copy.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(path, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return copy.resolve("quarkus-run.jar");
    }

    /** The JVM options of the {@code upc-agent} launcher ({@code opts=(…)}), so this bench measures what PCs run. */
    private static List<String> launcherOptions() {
        try {
            String script = Files.readString(RepoFiles.find(LAUNCHER));
            Matcher opts = Pattern.compile("(?m)^opts=\\(([^)]*)\\)").matcher(script);
            if (opts.find()) {
                List<String> options = List.of(opts.group(1).trim().split("\\s+"));
                if (options.stream().allMatch(o -> o.startsWith("-X"))) {
                    return options;
                }
            }
            progress("cannot read the JVM options of %s; using %s", LAUNCHER, LAUNCHER_OPTIONS);
        } catch (IOException | IllegalStateException e) {
            progress("cannot read %s (%s); using %s", LAUNCHER, e.getMessage(), LAUNCHER_OPTIONS);
        }
        return LAUNCHER_OPTIONS;
    }

    /** What the agent's start-up checks cost when run from outside it (libpod from a warm JVM). */
    private static void externalTimings(SimulatedPc pc) {
        List<Long> version = new ArrayList<>();
        List<Long> check = new ArrayList<>();
        List<Long> ping = new ArrayList<>();
        List<Long> info = new ArrayList<>();
        List<Long> podmanVersion = new ArrayList<>();
        String socket = pc.socket().toString();
        for (int i = 0; i < 3; i++) {
            version.add(timeCommand(List.of("criu", "--version")));
            check.add(timeCommand(List.of("criu", "check")));
            ping.add(timeCommand(List.of("curl", "-sf", "--unix-socket", socket, "http://d/v4.0.0/libpod/_ping")));
            info.add(timeCommand(List.of("curl", "-sf", "--unix-socket", socket, "http://d/v4.0.0/libpod/info")));
            podmanVersion.add(timeCommand(List.of("curl", "-sf", "--unix-socket", socket,
                    "http://d/v4.0.0/libpod/version")));
        }
        progress("start-up steps timed from outside (median of 3, with curl for libpod): `criu --version` %d ms"
                        + " (machine facts); `criu check` %d ms, in parallel with libpod /_ping %d ms + /info %d ms"
                        + " (libpod /version would take %d ms)", medianLong(version), medianLong(check),
                medianLong(ping), medianLong(info), medianLong(podmanVersion));
    }

    private static long timeCommand(List<String> command) {
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ---- boinc-client --------------------------------------------------------------------------------------------

    /** Debian's boinc-client, idle without projects, in its own data dir, started and stopped like the agent. */
    private Optional<String> boinc() throws IOException {
        Optional<Path> boinc = onPath("boinc");
        if (boinc.isEmpty()) {
            progress("mode boinc-client skipped: no boinc on PATH (./upc bench agent installs Debian's boinc-client"
                    + " with apt; it could not)");
            return Optional.empty();
        }
        Path data = Files.createDirectories(dir.resolve("boinc"));
        int port = freePort();
        List<String> command = List.of(boinc.get().toString(), "--dir", data.toString(), "--gui_rpc_port",
                Integer.toString(port), "--skip_cpu_benchmarks");
        progress("boinc-client: %s", String.join(" ", command));
        boincOnce(command, data, port, "boinc-client warm-up", Duration.ZERO);
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= options.starts(); i++) {
            samples.add(boincOnce(command, data, port, "boinc-client start " + i + "/" + options.starts(),
                    options.idle()));
        }
        summarize("boinc-client", samples);
        return Optional.of(json("boinc-client", false, samples));
    }

    private Sample boincOnce(List<String> command, Path data, int port, String what, Duration idle) throws IOException {
        String loadBefore = load();
        long launched = System.currentTimeMillis();
        Process process = new ProcessBuilder(command).directory(data.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("boinc.log").toFile())).start();
        try {
            long deadline = System.nanoTime() + REGISTER_TIMEOUT.toNanos();
            while (!guiRpcAnswers(port)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("boinc exited with " + process.exitValue() + "; see "
                            + data.resolve("boinc.log"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("boinc did not answer a GUI RPC on port " + port + " within "
                            + REGISTER_TIMEOUT.toSeconds() + " s");
                }
                sleep(Duration.ofMillis(5));
            }
            long ready = System.currentTimeMillis() - launched;
            Idle window = idle.isZero() ? Idle.NONE : Idle.measure(process.pid(), options.settle(), idle);
            progress("%s: first GUI RPC answered %d ms after spawn%s; load %s", what, ready,
                    idle.isZero() ? "" : String.format(Locale.ROOT, "; idle %d s: RSS %.1f MiB, CPU %.3f %%",
                            idle.toSeconds(), window.rssMiB(), window.cpuPercent()), loadBefore);
            return new Sample(ready, null, window.rssMiB(), window.cpuPercent(), Map.of(), window.ticksByThread(),
                    window.rssParts());
        } finally {
            process.destroy(); // SIGTERM: boinc exits cleanly
            try {
                if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** One {@code exchange_versions} GUI RPC (needs no password): true once boinc answers it. */
    private static boolean guiRpcAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("<boinc_gui_rpc_request>\n<exchange_versions>\n<major>7</major>\n</exchange_versions>\n"
                    + "</boinc_gui_rpc_request>\n\003").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int b; (b = in.read()) != -1 && b != 3; ) {
                reply.append((char) b);
            }
            return reply.indexOf("<boinc_gui_rpc_reply>") >= 0;
        } catch (IOException notYet) {
            return false;
        }
    }

    // ---- measuring a process from /proc -----------------------------------------------------------------------

    /** The idle window of one process: its CPU over the window, and its RSS at the end. */
    private record Idle(double rssMiB, double cpuPercent, Map<String, Long> ticksByThread,
                        Map<String, Double> rssParts) {

        static final Idle NONE = new Idle(Double.NaN, Double.NaN, Map.of(), Map.of());

        /** After {@code settle}, the process over {@code window}. */
        static Idle measure(long pid, Duration settle, Duration window) {
            sleep(settle);
            long t0 = System.nanoTime();
            long ticks0 = ticks(pid);
            Map<String, Long> threads0 = threadTicks(pid);
            sleep(window);
            long ticks1 = ticks(pid);
            Map<String, Long> threads1 = threadTicks(pid);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> parts = memory(pid);
            double rss = parts.getOrDefault("VmRSS", Double.NaN);
            Map<String, Long> delta = new HashMap<>();
            threads1.forEach((name, n) -> delta.merge(name, n - threads0.getOrDefault(name, 0L), Long::sum));
            double cpu = 100.0 * (ticks1 - ticks0) / TICKS_PER_SECOND / seconds;
            return new Idle(rss, cpu, delta, parts);
        }
    }

    /** utime + stime of a process (all its threads, not its children), in clock ticks. */
    private static long ticks(long pid) {
        return statTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** utime + stime per thread name ({@code comm}, 15 characters at most), in clock ticks. */
    private static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> byName = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("\\d+$", "#"); // pool threads by name
                    byName.merge(name, statTicks(stat), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads of " + pid, e);
        }
        return byName;
    }

    private static long statTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15: utime, stime
    }

    /** VmRSS and its parts RssAnon, RssFile, RssShmem of {@code /proc/<pid>/status}, in MiB. */
    private static Map<String, Double> memory(long pid) {
        Map<String, Double> mib = new LinkedHashMap<>();
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            String key = line.substring(0, Math.max(0, line.indexOf(':')));
            if (List.of("VmRSS", "RssAnon", "RssFile", "RssShmem").contains(key)) {
                mib.put(key, Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            }
        }
        if (!mib.containsKey("VmRSS")) {
            throw new IllegalStateException("no VmRSS for process " + pid);
        }
        return mib;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (getconf.waitFor() == 0 && out.matches("\\d+")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // the usual value below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private static String json(String mode, boolean tls, List<Sample> samples) {
        return String.format(Locale.ROOT, "{\"bench\":\"agent\",%s\"mode\":\"%s\",\"startToRegisteredMs\":%d,"
                        + "\"idleRssMiB\":%.1f,\"idleCpuPercent\":%.3f}", tls ? "\"tls\":true," : "", mode,
                Math.round(median(samples, Sample::startToReadyMs)), median(samples, Sample::idleRssMiB),
                median(samples, Sample::idleCpuPercent));
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> figure) {
        double[] values = samples.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static long medianLong(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    private static String load() {
        String[] fields = read(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench agent %s] %s%n", CLOCK.format(LocalTime.now()),
                String.format(Locale.ROOT, format, args));
    }
}
