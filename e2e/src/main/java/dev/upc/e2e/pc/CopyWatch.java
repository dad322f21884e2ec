package dev.upc.e2e.pc;

import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.LibpodClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples every PC's job containers while a fault test runs and records each moment a job had two live copies: two
 * containers of the job running and not frozen (a held copy, frozen by its agent or its guard, does not count), on one
 * PC or on two. The jobs' own output shows an overlap in time too ({@code JobRuns}); this sees one that left no output,
 * and one of a PC whose log never reached the scheduler.
 */
public final class CopyWatch implements AutoCloseable {

    /** Two live copies of a job, seen at once. */
    public record DoubleCopy(Instant at, String jobId, List<String> containers) {
    }

    private final Map<String, LibpodClient> pcs;
    private final Duration every;
    private final List<DoubleCopy> doubles = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long samples;

    private CopyWatch(Map<String, LibpodClient> pcs, Duration every) {
        this.pcs = Map.copyOf(pcs);
        this.every = every;
        this.thread = new Thread(this::run, "copy-watch");
        this.thread.setDaemon(true);
    }

    /** Starts sampling the PCs, by name, every {@code every}. */
    public static CopyWatch start(Map<String, LibpodClient> pcs, Duration every) {
        CopyWatch watch = new CopyWatch(pcs, every);
        watch.thread.start();
        return watch;
    }

    /** The double copies of that job seen so far. */
    public List<DoubleCopy> doubles(String jobId) {
        return doubles.stream().filter(d -> d.jobId().equals(jobId)).toList();
    }

    /** How many samples were taken: a watch that never sampled proves nothing. */
    public long samples() {
        return samples;
    }

    private void run() {
        while (!closed) {
            sample();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        Map<String, List<String>> live = new HashMap<>();
        for (Map.Entry<String, LibpodClient> pc : pcs.entrySet()) {
            try {
                LibpodClient client = pc.getValue();
                LibpodDriver driver = null;
                for (ContainerSummary c : client.listByLabel(JobRunner.LABEL_JOB)) {
                    String job = c.labels().get(JobRunner.LABEL_JOB);
                    if (!"running".equals(c.state()) || job == null) {
                        continue;
                    }
                    if (driver == null) {
                        driver = new LibpodDriver(client, new JobCgroups(Path.of("/sys/fs/cgroup"),
                                client.host().cgroupVersion(), client.host().cgroupManager()));
                    }
                    boolean frozen = driver.inspect(TaskHandle.of(c.plainName())).map(TaskStatus::suspended)
                            .orElse(true);
                    if (!frozen) {
                        live.computeIfAbsent(job, j -> new ArrayList<>()).add(pc.getKey() + "/" + c.plainName());
                    }
                }
            } catch (RuntimeException e) {
                // the PC's podman is down or slow (a fault test's doing): the other PCs still count
            }
        }
        Instant now = Instant.now();
        live.forEach((job, containers) -> {
            if (containers.size() > 1) {
                doubles.add(new DoubleCopy(now, job, List.copyOf(containers)));
            }
        });
        samples++;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    @Override
    public String toString() {
        Map<String, Integer> byJob = new LinkedHashMap<>();
        doubles.forEach(d -> byJob.merge(d.jobId(), 1, Integer::sum));
        return "CopyWatch[" + samples + " samples, doubles " + byJob + "]";
    }
}
