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
 * Wakes whoever waits for news about a key (a worker's next command, a job's next log lines) when it is committed,
 * on whichever replica: the writing transaction NOTIFYs a channel with the key, and every replica LISTENs on one
 * dedicated connection (reconnecting if it drops; a waiter that misses a wake-up still ends at its timeout and looks
 * again).
 */
@ApplicationScoped
public class Wakeups {

    /** The channels listened to; the payload is the key. */
    public enum Channel {
        /** a command for a worker was queued; key: the worker id */
        COMMANDS(JobStore.CHANNEL),
        /** lines of a job's log arrived; key: the job id */
        LOGS("upc_logs");

        private final String name;

        Channel(String name) {
            this.name = name;
        }

        public String pgName() {
            return name;
        }
    }

    private static final Logger LOG = Logger.getLogger(Wakeups.class);

    private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final PgConnectOptions options;
    private PgSubscriber subscriber;

    Wakeups(Vertx vertx, DatabaseOptions database) {
        this.vertx = vertx;
        this.options = database.connectOptions();
    }

    void start(@Observes StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        for (Channel channel : Channel.values()) {
            subscriber.channel(channel.pgName()).handler(key -> wake(channel, key));
        }
        subscriber.connect().subscribe().with(
                ok -> LOG.debugf("listening on %s", java.util.Arrays.toString(Channel.values())),
                failure -> LOG.errorf(failure, "cannot LISTEN for wake-ups; long polls and log followers wait for "
                        + "their timeouts"));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Registers interest in the key's next news; register before looking, so none is missed. */
    public CompletableFuture<Void> register(Channel channel, String key) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiting.computeIfAbsent(channel.name() + "/" + key, id -> ConcurrentHashMap.newKeySet()).add(future);
        return future;
    }

    public void unregister(Channel channel, String key, CompletableFuture<Void> future) {
        waiting.computeIfPresent(channel.name() + "/" + key, (id, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    void wake(Channel channel, String key) {
        Set<CompletableFuture<Void>> futures = waiting.remove(channel.name() + "/" + key);
        if (futures != null) {
            futures.forEach(future -> future.complete(null));
        }
    }
}
