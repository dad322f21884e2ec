package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.CheckpointOptions;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.agent.libpod.LibpodServerException;
import dev.upc.agent.libpod.RestoreOptions;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.migration.DirectMigration;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running container moves between two simulated PCs through the libpod client, with real Podman
 * and CRIU, and carries on from where it stopped.
 */
class LibpodMigrationIT {

    private static SimulatedPc pcA;
    private static SimulatedPc pcB;

    @BeforeAll
    static void startPcs() {
        CounterImage image = CounterImage.build(Path.of("target"));
        pcA = SimulatedPc.start("a");
        pcB = SimulatedPc.start("b");
        image.ensureOn(pcA.client());
        image.ensureOn(pcB.client());
    }

    @AfterAll
    static void stopPcs() {
        if (pcA != null) {
            pcA.close();
        }
        if (pcB != null) {
            pcB.close();
        }
    }

    @Test
    void counterContinuesOnTheOtherPc() {
        CounterOutput before = runUntil("upc-count-1", 0, 200, out -> out.lastTick() >= 5);

        DirectMigration.Report report = DirectMigration.migrate(pcA.client(), "upc-count-1", pcB.client(),
                "upc-count-2");

        assertThat(pcA.client().inspect("upc-count-1").running()).as("A's copy stopped").isFalse();
        assertContinues(before, "upc-count-2", 3);
        assertThat(report.archiveBytes()).isPositive();
        assertThat(pcB.client().inspect("upc-count-2").restored()).isTrue();
    }

    @Test
    void memoryOf256MiBSurvivesTheMove() {
        CounterOutput before = runUntil("upc-mem-1", 256, 250, out -> out.lastTick() >= 3);
        assertThat(before.checksum()).isNotEqualTo("0000000000000000");

        DirectMigration.Report report = DirectMigration.migrate(pcA.client(), "upc-mem-1", pcB.client(), "upc-mem-2");

        assertThat(report.archiveBytes()).as("archive carries the resident memory").isGreaterThan(256L << 20);
        CounterOutput after = assertContinues(before, "upc-mem-2", 2);
        assertThat(after.checksum()).isEqualTo(before.checksum());
        assertThat(after.memoryFailures()).as("memory checks after restore").isZero();
        assertThat(pcA.client().inspect("upc-mem-1").running()).isFalse();
    }

    @Test
    void checkpointOfAMissingContainerIsNotFound() {
        assertThatThrownBy(() -> pcA.client().checkpointExport("upc-no-such", CheckpointOptions.forMigration()))
                .isInstanceOf(LibpodNotFoundException.class)
                .hasMessageContaining("upc-no-such");
    }

    @Test
    void truncatedArchiveIsRefusedAndLeavesNothing() throws Exception {
        runUntil("upc-trunc-1", 0, 200, out -> out.lastTick() >= 1);
        byte[] half;
        try (ArchiveStream archive = pcA.client().checkpointExport("upc-trunc-1", CheckpointOptions.periodic())) {
            byte[] whole = archive.readAllBytes();
            half = java.util.Arrays.copyOf(whole, whole.length / 2);
        }

        assertThatThrownBy(() -> pcB.client().restoreImport(new ByteArrayInputStream(half), half.length,
                RestoreOptions.named("upc-trunc-2")))
                .isInstanceOf(LibpodServerException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("restore upc-trunc-2"));
        assertThat(pcB.client().exists("upc-trunc-2")).isFalse();
        assertThat(pcA.client().inspect("upc-trunc-1").running()).as("periodic checkpoint keeps A running").isTrue();
    }

    @Test
    void restoreWithoutTheImageOnTheTargetFailsAndLeavesNothing() throws Exception {
        runUntil("upc-noimg-1", 0, 200, out -> out.lastTick() >= 1);
        try (SimulatedPc bare = SimulatedPc.start("bare");
             InputStream archive = pcA.client().checkpointExport("upc-noimg-1", CheckpointOptions.periodic())) {
            assertThatThrownBy(() -> bare.client().restoreImport(archive, -1, RestoreOptions.named("upc-noimg-2")))
                    .isInstanceOf(LibpodServerException.class)
                    .hasMessageContaining("upc/counter");
            assertThat(bare.client().exists("upc-noimg-2")).isFalse();
        }
    }

    private static CounterOutput runUntil(String name, int memMiB, int intervalMs, Predicate<CounterOutput> ready) {
        return CounterJobs.start(pcA.client(), name, memMiB, intervalMs, ready);
    }

    /** Asserts the restored job printed new ticks that continue A's count, and returns its output. */
    private static CounterOutput assertContinues(CounterOutput before, String restored, int newTicks) {
        CounterJobs.Continuation continuation = CounterJobs.continuation(before, pcB.client(), restored, newTicks);
        CounterOutput after = continuation.after();
        assertThat(continuation.firstTickAfter()).as("first tick printed on B").isGreaterThan(before.lastTick());
        assertThat(after.starts()).as("the program never started again").isEqualTo(1);
        assertThat(after.consecutive()).as("ticks " + after.ticks()).isTrue();
        assertThat(continuation.continued()).isTrue();
        assertThat(pcB.client().inspect(restored).running()).isTrue();
        return after;
    }
}
