package dev.upc.scheduler.client;

import dev.upc.protocol.WorkerInfo;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The PCs' names (their hostnames) by worker id, for people: job listings say "pc2", not "w3kq…". Kept from the last
 * look at the registry and refreshed in the background when older than {@link #FRESH}, so an API call never waits for
 * the registry; a name not yet known is simply absent.
 */
@ApplicationScoped
public class WorkerNames {

    private static final Logger LOG = Logger.getLogger(WorkerNames.class);
    static final Duration FRESH = Duration.ofSeconds(10);

    private final WorkerDirectory directory;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Map<String, String> names = Map.of();
    private volatile Instant seenAt = Instant.EPOCH;

    WorkerNames(WorkerDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** The names as last seen; starts a refresh when they are stale. */
    public Map<String, String> current() {
        if (Duration.between(seenAt, clock.instant()).compareTo(FRESH) > 0 && refreshing.compareAndSet(false, true)) {
            directory.workers().subscribe().with(workers -> {
                remember(workers);
                refreshing.set(false);
            }, failure -> {
                LOG.debugf("worker names not refreshed: %s", failure.getMessage());
                seenAt = clock.instant(); // try again after FRESH, not on every call
                refreshing.set(false);
            });
        }
        return names;
    }

    public String name(String workerId) {
        return workerId == null ? null : current().get(workerId);
    }

    /** The worker id of a PC name, if exactly one worker has it. */
    public Uni<Optional<String>> idOf(String name) {
        return directory.workers().invoke(this::remember).map(workers -> {
            List<WorkerInfo> named = workers.stream().filter(w -> name.equals(w.registration().hostname())).toList();
            return named.size() == 1 ? Optional.of(named.get(0).workerId()) : Optional.empty();
        });
    }

    /** Whoever looked at the registry tells: the planner does every round. */
    public void remember(List<WorkerInfo> workers) {
        Map<String, String> fresh = new HashMap<>();
        workers.forEach(w -> fresh.put(w.workerId(), w.registration().hostname()));
        names = Map.copyOf(fresh);
        seenAt = clock.instant();
    }
}
