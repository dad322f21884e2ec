package dev.upc.registry.service;

import dev.upc.protocol.WorkerRevocation;
import dev.upc.registry.Revocation;
import dev.upc.registry.Worker;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Removing and revoking workers. Worker ids are never reused, so a revocation keeps the worker's tokens dead for
 * good: the registry refuses them at once (the worker is gone), the scheduler from its next read of
 * {@link #revocations()}.
 */
@ApplicationScoped
public class WorkerRevocations {

    private final Clock clock;

    WorkerRevocations(Clock clock) {
        this.clock = clock;
    }

    /**
     * Forgets the worker and revokes it: its tokens stop working at the registry at once and at the scheduler within
     * its revocation refresh. Its PC may enrol again, as a new worker; with {@code ban}, not until an admin lifts the
     * ban ({@link #unban}). True if it existed.
     */
    @WithTransaction
    public Uni<Boolean> remove(String workerId, boolean ban) {
        Instant now = clock.instant();
        return Worker.<Worker>findById(workerId).chain(worker -> {
            if (worker == null) {
                return Uni.createFrom().item(false);
            }
            Revocation revocation = new Revocation();
            revocation.workerId = worker.id;
            revocation.machineId = worker.machineId;
            revocation.revokedAt = now;
            revocation.banned = ban;
            return worker.delete().chain(() -> revocation.persist()).replaceWith(true);
        });
    }

    /** Every revocation, oldest first: what the scheduler refuses. */
    @WithSession
    public Uni<List<WorkerRevocation>> revocations() {
        return Revocation.<Revocation>find("order by revokedAt, workerId").list().map(rows -> rows.stream()
                .map(r -> new WorkerRevocation(r.workerId, r.machineId, r.revokedAt, r.banned)).toList());
    }

    /** Lets a revoked worker's machine enrol again (as a new worker: the old one's tokens stay dead); idempotent. */
    @WithTransaction
    public Uni<Boolean> unban(String workerId) {
        return Revocation.<Revocation>findById(workerId).map(r -> {
            if (r == null) {
                return false;
            }
            r.banned = false;
            return true;
        });
    }

}
