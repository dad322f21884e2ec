package dev.upc.registry.service;

import dev.upc.protocol.WorkerRevocation;
import dev.upc.registry.Revocation;
import dev.upc.registry.Worker;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Removing and revoking workers. Worker ids are never reused, so a revocation keeps the worker's tokens dead for
 * good: the registry refuses them at once (the worker is gone), the scheduler from its next read of
 * {@link #revocations(Optional)}.
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

    /**
     * The revocations made at or after {@code since} (all when empty), oldest first: what the scheduler and the store
     * refuse. A verifier needs only those of the last worker-token lifetime: a revoked worker gets no token after
     * its revocation, and those it got before expire within that lifetime.
     */
    @WithSession
    public Uni<List<WorkerRevocation>> revocations(Optional<Instant> since) {
        Uni<List<Revocation>> rows = since.isEmpty()
                ? Revocation.<Revocation>find("order by revokedAt, workerId").list()
                // Bound with its offset (UTC): no session or driver time zone comes into the comparison.
                : Panache.getSession().chain(session -> session.createNativeQuery("SELECT * FROM worker_revocations"
                                + " WHERE revoked_at >= :since ORDER BY revoked_at, worker_id", Revocation.class)
                        .setParameter("since", since.get().atOffset(ZoneOffset.UTC)).getResultList());
        return rows.map(list -> list.stream()
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
