package dev.upc.scheduler.planner;

import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.client.WorkerDirectory;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * When the planner reads every worker from the registry: once per reconcile interval, or sooner when an agent the last
 * read did not list reports to the scheduler (a PC that just joined). In between, a round plans with the last read,
 * and what changes quickly reaches the scheduler directly: an owner coming back or leaving by the agent's own report,
 * a job's progress by its events. So 20,000 PCs cost one full read per interval, not one per planning round; what the
 * registry alone knows (a drain, a PC gone silent) is seen within the interval.
 */
final class RegistryReads {

    private final WorkerDirectory directory;
    private final long intervalNanos;
    private final LongSupplier ticker;
    private volatile List<WorkerInfo> last;
    private volatile Set<String> lastIds = Set.of();
    /** Reporting agents a fresh read did not list either (deleted workers): no reason to read again for them. */
    private final Set<String> notListed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long readAt;

    /** @param interval 0 reads every round */
    RegistryReads(WorkerDirectory directory, Duration interval, LongSupplier ticker) {
        this.directory = directory;
        this.intervalNanos = interval.toNanos();
        this.ticker = ticker;
    }

    /** The workers: the last read while it is fresh and knows every worker in {@code reporting}, else a new read. */
    Uni<List<WorkerInfo>> workers(Set<String> reporting) {
        List<WorkerInfo> cached = last;
        if (cached != null && ticker.getAsLong() - readAt < intervalNanos && known(reporting)) {
            return Uni.createFrom().item(cached);
        }
        long started = ticker.getAsLong();
        return directory.workers().invoke(workers -> {
            last = List.copyOf(workers);
            lastIds = workers.stream().map(WorkerInfo::workerId).collect(java.util.stream.Collectors.toSet());
            readAt = started;
            notListed.clear();
            reporting.stream().filter(id -> !lastIds.contains(id)).forEach(notListed::add);
        });
    }

    private boolean known(Set<String> reporting) {
        for (String id : reporting) {
            if (!lastIds.contains(id) && !notListed.contains(id)) {
                return false;
            }
        }
        return true;
    }
}
