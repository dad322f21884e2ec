package dev.upc.scheduler.access;

import dev.upc.protocol.WorkerRevocation;
import dev.upc.scheduler.client.StoreClient;
import dev.upc.scheduler.client.WorkerDirectory;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The workers an admin removed or revoked, read from the registry every
 * {@code upc.scheduler.revocation-refresh} (15 s): their tokens get no command, event or capability here from then on,
 * though they have not expired. Only the revocations of the last worker-token lifetime are read: an older one's
 * tokens have all expired (worker ids are never reused, and a revoked worker gets no new token). A failed read keeps
 * the last one.
 * Each read is passed on to the store, which then refuses their capabilities as well (it keeps the list in memory, so
 * it is sent every time, not only when it changed: a restarted store has it again within one period).
 */
@ApplicationScoped
public class RevokedWorkers {

    private static final Logger LOG = Logger.getLogger(RevokedWorkers.class);

    private final WorkerDirectory directory;
    private final StoreClient store;
    private volatile Set<String> revoked = Set.of();

    RevokedWorkers(WorkerDirectory directory, StoreClient store) {
        this.directory = directory;
        this.store = store;
    }

    @Scheduled(every = "${upc.scheduler.revocation-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        return directory.revocations()
                .map(list -> list.stream().map(WorkerRevocation::workerId).collect(Collectors.toUnmodifiableSet()))
                .invoke(ids -> revoked = ids)
                .call(ids -> store.revokedWorkers(ids) // only a list read from the registry: never an empty guess
                        .onFailure().invoke(failure -> LOG.warnf("cannot tell the store the %d revoked workers: %s",
                                ids.size(), failure.getMessage()))
                        .onFailure().recoverWithNull())
                .onFailure().invoke(failure -> LOG.warnf("cannot read the revoked workers (keeping the %d known): %s",
                        revoked.size(), failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    public boolean revoked(String workerId) {
        return revoked.contains(workerId);
    }
}
