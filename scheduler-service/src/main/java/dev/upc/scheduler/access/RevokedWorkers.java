package dev.upc.scheduler.access;

import dev.upc.protocol.WorkerRevocation;
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
 * though they have not expired. Worker ids are never reused, so the list only grows. A failed read keeps the last one.
 */
@ApplicationScoped
public class RevokedWorkers {

    private static final Logger LOG = Logger.getLogger(RevokedWorkers.class);

    private final WorkerDirectory directory;
    private volatile Set<String> revoked = Set.of();

    RevokedWorkers(WorkerDirectory directory) {
        this.directory = directory;
    }

    @Scheduled(every = "${upc.scheduler.revocation-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        return directory.revocations()
                .invoke(list -> revoked = list.stream().map(WorkerRevocation::workerId).collect(Collectors.toSet()))
                .onFailure().invoke(failure -> LOG.warnf("cannot read the revoked workers (keeping the %d known): %s",
                        revoked.size(), failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    public boolean revoked(String workerId) {
        return revoked.contains(workerId);
    }
}
