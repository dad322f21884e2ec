package dev.upc.scheduler.testing;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRevocation;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.client.WorkerDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The workers the tests say exist (replaces the registry client). */
@Singleton
public class FixedWorkerDirectory implements WorkerDirectory {

    private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();
    private final List<WorkerRevocation> revocations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Uni<List<WorkerInfo>> workers() {
        return Uni.createFrom().item(List.copyOf(workers.values()));
    }

    @Override
    public Uni<Void> reachable() {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<WorkerRevocation>> revocations() {
        return Uni.createFrom().item(List.copyOf(revocations));
    }

    public void clear() {
        workers.clear();
        revocations.clear();
    }

    /** As an admin's {@code upc workers revoke}: the worker is gone and its tokens are listed as no good. */
    public void revoke(String workerId) {
        WorkerInfo gone = workers.remove(workerId);
        revocations.add(new WorkerRevocation(workerId, gone == null ? "m-" + workerId : gone.registration().machineId(),
                Instant.now(), true));
    }

    public void put(String workerId, WorkerStatus status, double score, int jobCpus) {
        put(workerId, status, score, jobCpus, OwnerState.IDLE, DesiredState.ACTIVE);
    }

    public void put(String workerId, WorkerStatus status, double score, int jobCpus, OwnerState owner,
                    DesiredState desired) {
        var registration = new WorkerRegistration("m-" + workerId, "pc-" + workerId, "0.1.0", 8, 16384L, jobCpus,
                "Test CPU", List.of("sse4_2", "avx2"), score, "4.3.1", "4.1.1", "runc", 1, "amd64", Map.of(), null);
        var report = new Heartbeat(owner, false, (double) jobCpus, 8000L, 0.1, List.of());
        Instant now = Instant.now();
        workers.put(workerId, new WorkerInfo(workerId, status, desired, now, now, registration, report));
    }

    /** A heartbeat of the worker, received at {@code at}, that lists these containers. */
    public void heartbeat(String workerId, Instant at, List<ContainerReport> containers) {
        WorkerInfo w = workers.get(workerId);
        Heartbeat last = w.latestReport();
        workers.put(workerId, new WorkerInfo(w.workerId(), w.status(), w.desiredState(), w.registeredAt(), at,
                w.registration(), new Heartbeat(last.ownerState(), last.drainAcknowledged(), last.freeCpus(),
                        last.freeMemoryMiB(), last.load(), containers)));
    }

    public void status(String workerId, WorkerStatus status) {
        WorkerInfo w = workers.get(workerId);
        workers.put(workerId, new WorkerInfo(w.workerId(), status, w.desiredState(), w.registeredAt(), w.lastSeenAt(),
                w.registration(), w.latestReport()));
    }
}
