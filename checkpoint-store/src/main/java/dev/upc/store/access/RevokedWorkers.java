package dev.upc.store.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The workers an admin revoked, as the scheduler last told the store ({@code PUT /api/v1/revoked-workers}, after each
 * of its reads of the registry, every 15 s): a capability held by one of them is refused although it has not expired.
 * Kept in memory: after a restart the store learns the list again with the scheduler's next push.
 */
@ApplicationScoped
public class RevokedWorkers {

    private volatile Set<String> revoked = Set.of();

    public void replace(Collection<String> workerIds) {
        revoked = Set.copyOf(workerIds);
    }

    public boolean revoked(String workerId) {
        return workerId != null && revoked.contains(workerId);
    }

    public int size() {
        return revoked.size();
    }

    public List<String> list() {
        return revoked.stream().sorted().toList();
    }
}
