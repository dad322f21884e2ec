package dev.upc.scheduler.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Wakes the long polls of a worker when a command for it is committed, on whichever replica the command was made:
 * the outbox NOTIFYs {@value JobStore#CHANNEL} with the worker id in the inserting transaction, and every replica
 * LISTENs on one dedicated connection (reconnecting if it drops; a poll that misses a wake-up still returns at its
 * timeout and the agent polls again).
 */
@ApplicationScoped
public class CommandWakeups {

    private static final Logger LOG = Logger.getLogger(CommandWakeups.class);

    private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final PgConnectOptions options;
    private PgSubscriber subscriber;

    CommandWakeups(Vertx vertx, DatabaseOptions database) {
        this.vertx = vertx;
        this.options = database.connectOptions();
    }

    void start(@Observes StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(JobStore.CHANNEL).handler(this::wake);
        subscriber.connect().subscribe().with(
                ok -> LOG.debugf("listening on %s", JobStore.CHANNEL),
                failure -> LOG.errorf(failure, "cannot LISTEN on %s; long polls wait for their timeout", JobStore.CHANNEL));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Registers interest in the worker's next command; register before looking, so none is missed. */
    public CompletableFuture<Void> register(String workerId) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiting.computeIfAbsent(workerId, id -> ConcurrentHashMap.newKeySet()).add(future);
        return future;
    }

    public void unregister(String workerId, CompletableFuture<Void> future) {
        waiting.computeIfPresent(workerId, (id, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    void wake(String workerId) {
        Set<CompletableFuture<Void>> futures = waiting.remove(workerId);
        if (futures != null) {
            futures.forEach(future -> future.complete(null));
        }
    }
}
