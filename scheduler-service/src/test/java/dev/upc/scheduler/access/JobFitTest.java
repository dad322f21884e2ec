package dev.upc.scheduler.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.WorkerRegistration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFitTest {

    private static WorkerRegistration pc(int cpus, long lentMiB) {
        return new WorkerRegistration("m" + cpus + "-" + lentMiB, "pc", "1", 8, 65536L, cpus, null, null, 1.0, null,
                null, null, null, null, null, lentMiB);
    }

    @Test
    void withNoPcYetEveryJobIsQueued() {
        assertThat(JobFit.misfit(List.of(), 64, 1 << 20, 1)).isEmpty();
    }

    @Test
    void aJobFittingOnePcFitsTheCluster() {
        assertThat(JobFit.misfit(List.of(pc(1, 512), pc(4, 4096)), 4, 4096, 1024)).isEmpty();
    }

    @Test
    void coresAndMemoryMustFitOnTheSamePc() {
        assertThat(JobFit.misfit(List.of(pc(4, 512), pc(1, 8192)), 2, 1024, 1)).hasValue(
                "no PC of the cluster (2 registered) lends 2 cores and 1024 MiB together (the largest lend 4 cores"
                        + " and 512 MiB, or 1 core and 8192 MiB): ask for less");
    }

    @Test
    void aPcThatFitsMustLetTheJobWriteWhatItAsks() {
        WorkerRegistration small = new WorkerRegistration("m", "pc", "1", 8, 65536L, 4, null, null, 1.0, null, null,
                null, null, null, null, 4096L, 2048L);
        WorkerRegistration unlimited = new WorkerRegistration("n", "pc", "1", 8, 65536L, 1, null, null, 1.0, null,
                null, null, null, null, null, 4096L, 0L);
        assertThat(JobFit.misfit(List.of(small, unlimited), 2, 1024, 2048)).isEmpty();
        assertThat(JobFit.misfit(List.of(small, unlimited), 2, 1024, 4096)).hasValue(
                "no PC of the cluster (2 registered) with 2 cores and 1024 MiB lets a job write 4096 MiB to disk (the"
                        + " most is 2048 MiB): ask for less (diskMiB)");
        assertThat(JobFit.misfit(List.of(small, unlimited), 1, 1024, 1 << 20)).as("0: no limit").isEmpty();
    }

    @Test
    void oneLargestPcIsNamedOnce() {
        assertThat(JobFit.misfit(List.of(pc(2, 2048), pc(1, 1024)), 4, 64, 1)).hasValue(
                "no PC of the cluster (2 registered) lends 4 cores and 64 MiB together (the largest lends 2 cores"
                        + " and 2048 MiB): ask for less");
    }
}
