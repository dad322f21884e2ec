package dev.upc.e2e.bench;

import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.local.LocalCluster;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationPhases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code "path":"system"} measurement of {@code ./upc bench migration}: a job holding N MiB moved between two PCs
 * of a real local cluster — services, store, agents, the scheduler's decision to the job running on the target — as
 * the MIGRATED event records it. Both PCs lend a whole core, like the podman CLI's baseline, which runs unlimited.
 */
final class SystemMigration implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int INTERVAL_MS = 250;

    /** One move through the system: the downtime the scheduler recorded, its phases, whether the job went on. */
    record Move(double seconds, MigrationPhases phases, long archiveBytes, boolean continued) {
    }

    private final LocalCluster cluster;
    private final UpcClient admin;
    private int serial;

    private SystemMigration(LocalCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.services().admin();
    }

    static SystemMigration start(Path dir, Consumer<String> progress) {
        List<LocalCluster.Pc> pcs = List.of(new LocalCluster.Pc("sys-a", 100), new LocalCluster.Pc("sys-b", 100));
        return new SystemMigration(LocalCluster.start(new LocalCluster.Spec(dir, pcs,
                Map.of("upc.scheduler.policy.migrate-for-speed", "false"), null, true), progress));
    }

    /** Runs a job of {@code memMiB} on one PC, moves it to the other and reads what the scheduler recorded. */
    Move move(int memMiB) throws InterruptedException {
        List<String> command = CounterImage.counter(memMiB, INTERVAL_MS);
        JobInfo job = admin.submit(new JobSubmission("bench-sys-" + (++serial), CounterImage.REFERENCE, command,
                Map.of(), 1, memMiB + 64L, null, 0L, true, 0, null, null));
        try {
            JobInfo running = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING || j.state().terminal(),
                    TIMEOUT);
            CounterOutput.awaitTick(admin, job.id(), 2, TIMEOUT);
            String to = cluster.pcs().values().stream().map(LocalCluster.RunningPc::workerId)
                    .filter(id -> !id.equals(running.workerId())).findFirst().orElseThrow();
            admin.migrate(job.id(), to);
            admin.awaitJob(job.id(), j -> to.equals(j.workerId()) && j.state() == JobState.RUNNING
                    || j.state().terminal(), TIMEOUT);
            JobEvent migrated = admin.events(job.id()).stream().filter(e -> e.type() == JobEventType.MIGRATED)
                    .findFirst().orElseThrow(() -> new IllegalStateException(job.id() + " did not migrate"));
            long ticksAtMove = CounterOutput.ofJob(admin, job.id()).lastTick();
            CounterOutput.awaitTick(admin, job.id(), ticksAtMove + 2, TIMEOUT);
            CounterOutput output = CounterOutput.ofJob(admin, job.id());
            Map<String, Object> d = migrated.details();
            return new Move(number(d, "downtimeMillis") / 1000.0, MigrationPhases.fromDetails(d),
                    number(d, "sizeBytes"), output.starts() == 1 && output.consecutive()
                    && output.memoryFailures() == 0);
        } finally {
            admin.cancel(job.id());
        }
    }


    private static long number(Map<String, Object> details, String key) {
        return details.get(key) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
