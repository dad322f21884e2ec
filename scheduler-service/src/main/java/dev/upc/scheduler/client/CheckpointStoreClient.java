package dev.upc.scheduler.client;

import dev.upc.protocol.BlobKind;
import dev.upc.scheduler.config.SchedulerConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoint store, as far as the scheduler talks to it: deleting blobs with an admin token. Absent when
 * {@code upc.scheduler.store-url} is not set. A blob already gone (404) counts as deleted: the store's DELETE is
 * idempotent and its own retention may have been first.
 */
@ApplicationScoped
public class CheckpointStoreClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Optional<URI> url;
    private final CheckpointStoreApi api;

    CheckpointStoreClient(SchedulerConfig config) {
        this.url = config.storeUrl().filter(u -> !u.isBlank()).map(URI::create);
        this.api = url.map(base -> QuarkusRestClientBuilder.newBuilder().baseUri(base)
                .connectTimeout(2, TimeUnit.SECONDS).readTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build(CheckpointStoreApi.class)).orElse(null);
    }

    /** The store's base URL, if the scheduler is told about one. */
    public Optional<URI> url() {
        return url;
    }

    public Uni<Void> delete(BlobKind kind, String id, String adminToken) {
        if (api == null) {
            return Uni.createFrom().failure(new IllegalStateException("no store configured (upc.scheduler.store-url)"));
        }
        return api.delete("Bearer " + adminToken, kind.pathSegment(), id)
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure(WebApplicationException.class)
                .recoverWithUni(failure -> ((WebApplicationException) failure).getResponse().getStatus() == 404
                        ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure));
    }
}
