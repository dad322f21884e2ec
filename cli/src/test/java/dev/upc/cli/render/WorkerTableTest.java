package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.testing.Samples;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerTableTest {

    @Test
    void workersShowLivenessSpeedWhatTheyLendAndTheirOwner() {
        WorkerInfo online = Samples.worker("w-1", "pc1");
        WorkerInfo draining = Samples.worker("w-22", "lab-pc17");
        draining = new WorkerInfo(draining.workerId(), WorkerStatus.SUSPECT, DesiredState.DRAIN,
                draining.registeredAt(), Samples.NOW.minusSeconds(95), draining.registration(), null);
        assertThat(WorkerTable.of(List.of(online, draining), Samples.NOW).lines()).containsExactly(
                "NAME       ID     STATUS             SPEED   CPUS    MEMORY   OWNER   JOBS   LAST SEEN",
                "pc1        w-1    ONLINE              1.25      4   8.0 GiB   idle       0          4s",
                "lab-pc17   w-22   SUSPECT,DRAINING    1.25      4   8.0 GiB   —          —          1m");
    }

    @Test
    void aPcThatWaitsForApprovalIsPendingNotDraining() {
        WorkerInfo fresh = Samples.worker("w-3", "new-pc");
        WorkerInfo pending = new WorkerInfo(fresh.workerId(), fresh.status(), DesiredState.DRAIN, fresh.registeredAt(),
                fresh.lastSeenAt(), fresh.registration(), fresh.latestReport(), false);

        assertThat(WorkerTable.status(pending)).isEqualTo("ONLINE,PENDING");
        assertThat(WorkerTable.status(fresh)).isEqualTo("ONLINE");
    }
}
