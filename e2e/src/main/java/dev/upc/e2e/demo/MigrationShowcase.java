package dev.upc.e2e.demo;

import dev.upc.agent.libpod.ContainerInfo;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LogLine;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.migration.DirectMigration;
import dev.upc.e2e.pc.SimulatedPc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./upc demo}: one job, two PCs, one live migration, told step by step. The job counts and
 * holds memory with a known checksum; after the move it must go on counting on the other PC with
 * the same checksum.
 */
public final class MigrationShowcase {

    private static final String JOB = "demo-counter";
    private static final int MEM_MIB = 64;

    private final long start = System.nanoTime();
    private int printedLines;

    private MigrationShowcase() {
    }

    public static int run(Path work) {
        return new MigrationShowcase().show(work);
    }

    private int show(Path work) {
        say("UPC demo: a running job moves from PC A to PC B without losing its progress");
        say("building the job image (static busybox + jobs/counter/counter.c, no registry needed)");
        CounterImage image = CounterImage.build(work);
        try (SimulatedPc a = startPc("A"); SimulatedPc b = startPc("B")) {
            image.ensureOn(a.client());
            image.ensureOn(b.client());
            say("image " + CounterImage.REFERENCE + " loaded into both PCs' storage through libpod (same image id)");

            String onA = JOB + "-1";
            say("PC A: starting job %s: holds %d MiB of memory, prints a tick every second", onA, MEM_MIB);
            CounterOutput before = CounterJobs.start(a.client(), onA, MEM_MIB, 1000, out -> out.lastTick() >= 1);
            echo("A", a.client(), onA, 4);

            String onB = JOB + "-2";
            say("migrating: CRIU checkpoint on A, streamed straight into a restore on B (no file in between)");
            before = CounterOutput.of(a.client().logs(onA, -1));
            DirectMigration.Report report = DirectMigration.migrate(a.client(), onA, b.client(), onB);
            say("moved %.1f MiB: checkpoint %.2f s, transfer %.2f s, restore %.2f s; job paused %.2f s in all",
                    report.archiveBytes() / 1048576.0, secs(report.checkpoint()), secs(report.transfer()),
                    secs(report.restore()), secs(report.total()));
            ContainerInfo left = a.client().inspect(onA);
            say("PC A: %s is %s (checkpointed=%b); PC B: %s is %s", onA, left.status(), left.checkpointed(), onB,
                    b.client().inspect(onB).status());

            int carried = CounterJobs.carriedTicks(b.client(), onB);
            printedLines = b.client().logs(onB, -1).size();
            echo("B", b.client(), onB, 4);
            CounterJobs.Continuation continuation = CounterJobs.continuation(before, b.client(), onB, carried, 1);
            CounterOutput after = continuation.after();
            if (!continuation.continued()) {
                say("FAILED: the job did not continue: last tick on A %d, first on B %d, starts %d, memory failures %d",
                        continuation.lastTickBefore(), continuation.firstTickAfter(), after.starts(),
                        after.memoryFailures());
                return 1;
            }
            say("the job went on from tick %d (PC A) to tick %d (PC B), never restarted, and its %d MiB kept "
                    + "checksum %s", continuation.lastTickBefore(), continuation.firstTickAfter(), MEM_MIB,
                    after.checksum());
            say("cleaning up both PCs");
        }
        say("done. Next: ./upc test runs every test; ./upc bench migration measures against the podman CLI");
        return 0;
    }

    private SimulatedPc startPc(String name) {
        long t0 = System.nanoTime();
        SimulatedPc pc = SimulatedPc.start(name.toLowerCase(Locale.ROOT));
        say("PC %s ready: its own podman service on %s (%d ms)", name, pc.socket(), (System.nanoTime() - t0) / 1_000_000);
        return pc;
    }

    /** Shows the job's new output lines as they come, until {@code ticks} more ticks were printed. */
    private void echo(String pc, LibpodClient client, String container, int ticks) {
        int shown = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (shown < ticks && System.nanoTime() < deadline) {
            List<LogLine> lines = client.logs(container, -1);
            for (LogLine line : lines.subList(Math.min(printedLines, lines.size()), lines.size())) {
                System.out.printf("            %s | %s%n", pc, line.text());
                if (line.text().startsWith("tick")) {
                    shown++;
                }
            }
            printedLines = lines.size();
            sleep(200);
        }
    }

    private void say(String format, Object... args) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "[%5.1fs] %s%n", elapsed, String.format(Locale.ROOT, format, args));
    }

    private static double secs(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
