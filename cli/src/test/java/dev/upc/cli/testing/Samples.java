package dev.upc.cli.testing;

import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Protocol records for tests, with the fields a test does not care about filled plausibly. */
public final class Samples {

    public static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private Samples() {
    }

    public static JobSubmission submission(String name, Double workEstimate) {
        return new JobSubmission(name, "localhost/alice/" + name + ":1", List.of(name, "--fast"), Map.of(), 1, 512L,
                workEstimate, 0L, true, 3, null, List.of());
    }

    public static JobInfo job(String id, JobState state) {
        return job(id, state, null, null);
    }

    public static JobInfo job(String id, JobState state, String workerName, Double cpuSeconds) {
        return new JobInfo(id, state, state == JobState.QUEUED ? 0 : 1, workerName == null ? null : "w-" + workerName,
                submission("count", 600.0), NOW.minusSeconds(180), NOW.minusSeconds(10),
                state == JobState.QUEUED ? null : NOW.minusSeconds(170), state.terminal() ? NOW.minusSeconds(5) : null,
                0, exitCode(state), cpuSeconds, null,
                state == JobState.FAILED ? "exit code 3" : null, "alice",
                state == JobState.QUEUED ? "no online PC has 4 free cores" : null, false, workerName);
    }

    private static Integer exitCode(JobState state) {
        return switch (state) {
            case SUCCEEDED -> 0;
            case FAILED -> 3;
            default -> null;
        };
    }

    public static WorkerInfo worker(String id, String hostname) {
        WorkerRegistration registration = new WorkerRegistration("m-" + id, hostname, "0.1.0", 8, 16_384L, 4,
                "cpu", List.of(), 1.25, "5", "4", "runc", 2, "amd64", Map.of(), 8192L);
        Heartbeat report = new Heartbeat(OwnerState.IDLE, false, 2.0, 4096L, 0.3, List.of());
        return new WorkerInfo(id, WorkerStatus.ONLINE, DesiredState.ACTIVE, NOW.minusSeconds(86_400),
                NOW.minusSeconds(4), registration, report);
    }
}
