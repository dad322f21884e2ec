package dev.upc.registry.service;

import dev.upc.protocol.WorkerRevocation;
import dev.upc.registry.Revocation;
import dev.upc.registry.Worker;
import dev.upc.servicehttp.InvalidCursorException;
import dev.upc.servicehttp.Page;
import dev.upc.servicehttp.PageCursors;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * One page of the revocations made at or after {@code since} (all when empty), oldest first: what the scheduler
     * and the store refuse. A verifier needs only those of the last worker-token lifetime: a revoked worker gets no
     * token after its revocation, and those it got before expire within that lifetime. A keyset query on
     * (revoked_at, worker_id), like the workers' list.
     *
     * @param cursor the previous page's {@link Page#nextCursor()}; empty for the first page
     */
    @WithSession
    public Uni<Page<WorkerRevocation>> revocations(Optional<Instant> since, int limit, Optional<String> cursor) {
        StringBuilder sql = new StringBuilder("SELECT * FROM worker_revocations WHERE true");
        Map<String, Object> parameters = new LinkedHashMap<>();
        // Instants bound with their offset (UTC): no session or driver time zone comes into the comparisons.
        since.ifPresent(from -> {
            sql.append(" AND revoked_at >= :since");
            parameters.put("since", from.atOffset(ZoneOffset.UTC));
        });
        if (cursor.isPresent()) {
            List<String> after;
            Instant afterAt;
            try {
                after = PageCursors.decode(cursor.get(), 2);
                afterAt = Instant.parse(after.get(0));
            } catch (InvalidCursorException e) {
                return Uni.createFrom().failure(e);
            } catch (DateTimeParseException e) {
                return Uni.createFrom().failure(
                        new InvalidCursorException("the cursor is not one this registry handed out"));
            }
            sql.append(" AND (revoked_at, worker_id) > (:afterAt, :afterId)");
            parameters.put("afterAt", afterAt.atOffset(ZoneOffset.UTC));
            parameters.put("afterId", after.get(1));
        }
        return KeysetQuery.page(sql, "revoked_at, worker_id", parameters, Revocation.class, limit,
                        r -> List.of(r.revokedAt.toString(), r.workerId))
                .map(page -> page.map(r -> new WorkerRevocation(r.workerId, r.machineId, r.revokedAt, r.banned)));
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
