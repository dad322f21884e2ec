package dev.upc.scheduler.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveredSharesTest {

    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

    private final DeliveredShares shares = new DeliveredShares();

    @Test
    void aPcWhoseJobGetsLessThanItsQuotaIsMeasuredAtTheShareItDelivers() {
        shares.observe(List.of(pc("pc1", 0, running("j1", 10.0, 0.8))));
        assertThat(shares.share("pc1")).as("one heartbeat is no measurement").isEmpty();

        shares.observe(List.of(pc("pc1", 5, running("j1", 10.0 + 5 * 0.55, 0.8))));

        assertThat(shares.share("pc1").orElseThrow()).isCloseTo(0.55 / 0.8, within(1e-9));
    }

    @Test
    void newMeasurementsMoveTheShareByTheirWeightAndAHeartbeatSeenTwiceChangesNothing() {
        shares.observe(List.of(pc("pc1", 0, running("j1", 0, 1.0))));
        shares.observe(List.of(pc("pc1", 5, running("j1", 2.5, 1.0)))); // 0.5
        shares.observe(List.of(pc("pc1", 5, running("j1", 2.5, 1.0)))); // the same heartbeat, read again
        shares.observe(List.of(pc("pc1", 10, running("j1", 7.5, 1.0)))); // 1.0

        assertThat(shares.share("pc1").orElseThrow()).isCloseTo(0.5 + DeliveredShares.WEIGHT * 0.5, within(1e-9));
    }

    @Test
    void thePcsJobsCountTogetherAndIdleOrOldAgentsContainersNotAtAll() {
        shares.observe(List.of(pc("pc1", 0, running("j1", 0, 0.5), running("j2", 0, 0.5),
                new ContainerReport("j3", 1L, "running", 0.0, 10L), report("j4", "exited", 0, 0.5))));
        shares.observe(List.of(pc("pc1", 4, running("j1", 2.0, 0.5), running("j2", 1.0, 0.5),
                new ContainerReport("j3", 1L, "running", 4.0, 10L), report("j4", "exited", 0, 0.5))));

        assertThat(shares.share("pc1").orElseThrow()).isCloseTo(3.0 / 4.0, within(1e-9));
    }

    @Test
    void neverAboveItsBenchmarkNorBelowTheFloorAndTooShortAGapIsNoMeasurement() {
        shares.observe(List.of(pc("fast", 0, running("j1", 0, 0.2)), pc("odd", 0, running("j2", 0, 1.0)),
                pc("brief", 0, running("j3", 0, 0.1))));
        shares.observe(List.of(pc("fast", 5, running("j1", 1.5, 0.2)), pc("odd", 5, running("j2", 0.0, 1.0)),
                pc("brief", 1, running("j3", 0.1, 0.1))));

        assertThat(shares.share("fast")).hasValue(1.0);
        assertThat(shares.share("odd")).hasValue(DeliveredShares.FLOOR);
        assertThat(shares.share("brief")).as("0.1 core-seconds allowed").isEmpty();
    }

    @Test
    void aContainerThatRestartedItsCounterIsNotANegativeMeasurement() {
        shares.observe(List.of(pc("pc1", 0, running("j1", 30.0, 1.0))));
        shares.observe(List.of(pc("pc1", 5, running("j1", 1.0, 1.0))));
        shares.observe(List.of(pc("pc1", 10, running("j1", 6.0, 1.0))));

        assertThat(shares.share("pc1")).hasValue(1.0);
    }

    static WorkerInfo pc(String id, int atSeconds, ContainerReport... containers) {
        WorkerRegistration registration = new WorkerRegistration("m-" + id, id, "0.1.0", 2, 4096L, 1, "cpu",
                List.of(), 0.8, "4.3.1", "4.1.1", "runc", 1, "amd64", Map.of(), null);
        Heartbeat heartbeat = new Heartbeat(OwnerState.IDLE, false, 0.0, 1024L, 0.5, List.of(containers));
        return new WorkerInfo(id, WorkerStatus.ONLINE, DesiredState.ACTIVE, T0, T0.plusSeconds(atSeconds),
                registration, heartbeat);
    }

    static ContainerReport running(String job, double cpuSeconds, double cpuLimit) {
        return report(job, "running", cpuSeconds, cpuLimit);
    }

    private static ContainerReport report(String job, String state, double cpuSeconds, double cpuLimit) {
        return new ContainerReport(job, 1L, state, cpuSeconds, 10L, cpuLimit);
    }
}
