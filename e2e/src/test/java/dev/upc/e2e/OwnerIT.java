package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.e2e.bench.OwnerBench;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The owner's return end to end, by the toggle and by the CPU-load detector (a two-core build started on this
 * machine), on a local cluster of two PCs with real agents, podman and CRIU: the job on the owner's PC stops getting
 * CPU, then runs on the other PC, and goes on as one run throughout. The same code as {@code ./upc bench owner}, one
 * round per signal; how fast is the bench's business, not this test's.
 */
class OwnerIT {

    @Test
    void theOwnersReturnFreezesTheJobAtOnceAndItRunsOnElsewhere() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "owner-it")), "run-");

        OwnerBench.Result result = OwnerBench.measure(dir, 1);

        assertThat(result.failures()).as("rounds that failed (logs in " + dir + ")").isZero();
        assertThat(result.rounds()).containsOnlyKeys("toggle", "cpu");
        result.rounds().forEach((signal, rounds) -> assertThat(rounds).as(signal).singleElement().satisfies(round ->
                assertThat(round.toFrozenMs()).as(signal + ": frozen before it ran elsewhere")
                        .isLessThan(round.toRunningElsewhereMs())));
        assertThat(result.continued()).as("the job ran on as one run through both moves").isTrue();
    }
}
