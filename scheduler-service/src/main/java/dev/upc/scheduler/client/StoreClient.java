package dev.upc.scheduler.client;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.RevokedWorkerIds;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.servicehttp.tls.TlsConfigSource;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The checkpoint store as the scheduler talks to it, with the scheduler's short-lived service token for each call:
 * delete blobs (a 404 counts as deleted: the store's DELETE is idempotent and its retention may have been first), ask
 * whether one exists and what it holds, and stream one out to a client. Absent when {@code upc.scheduler.store-url}
 * is not set.
 */
@ApplicationScoped
public class StoreClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the store says of a blob without sending it. */
    public record BlobHead(long size, String sha256) {
    }

    /** A blob on its way out of the store: its length and its bytes, read as the consumer asks for them. */
    public record Download(long size, Multi<Buffer> body) {
    }

    private final Optional<URI> url;
    private final HttpClient http;
    private final Supplier<String> serviceToken;

    StoreClient(SchedulerConfig config, Vertx vertx, StoreServiceToken serviceToken, TlsConfigurationRegistry tls) {
        this.url = config.storeUrl().filter(u -> !u.isBlank()).map(URI::create);
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout((int) Duration.ofSeconds(2).toMillis())
                .setKeepAlive(true);
        // An https store is trusted by the CA the scheduler is given (UPC_TLS_CA_FILE), else by the JVM's; its name is
        // checked against its certificate.
        tls.get(TlsConfigSource.CLIENTS).map(TlsConfiguration::getTrustStoreOptions).ifPresent(options::setTrustOptions);
        this.http = vertx.createHttpClient(options);
        this.serviceToken = serviceToken;
    }

    /** The store's base URL, if the scheduler is told about one. */
    public Optional<URI> url() {
        return url;
    }

    /** The blob's URL for clients that reach the store at {@code base}. */
    public static String blobUrl(String base, BlobKind kind, String id) {
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return trimmed + ApiPaths.BLOB.replace("{kind}", kind.pathSegment())
                .replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    /**
     * Gives the store the whole list of revoked workers ({@code PUT /api/v1/revoked-workers}), so that it refuses
     * their capabilities too. Does nothing when no store is configured.
     */
    public Uni<Void> revokedWorkers(Collection<String> workerIds) {
        if (url.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String what = "PUT " + ApiPaths.STORE_REVOKED_WORKERS;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.PUT)
                .setAbsoluteURI(url.get().resolve(ApiPaths.STORE_REVOKED_WORKERS).toString())
                .putHeader("Content-Type", "application/json");
        Buffer body = Buffer.buffer(Json.encode(new RevokedWorkerIds(List.copyOf(workerIds))));
        return exchange(options, what, body).chain(response -> response.body().chain(answer ->
                response.statusCode() == 204 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new StoreUnavailableException(what + " answered "
                                + response.statusCode() + ": " + answer.toString(StandardCharsets.UTF_8)))));
    }

    public Uni<Void> delete(BlobKind kind, String id) {
        return send(HttpMethod.DELETE, kind, id).chain(response -> {
            int status = response.statusCode();
            return response.body().chain(body -> status / 100 == 2 || status == 404 ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(failure("DELETE", kind, id, status, body)));
        });
    }

    /** Size and sha256 of the blob, or empty when the store does not have it. */
    public Uni<Optional<BlobHead>> head(BlobKind kind, String id) {
        return send(HttpMethod.HEAD, kind, id).chain(response -> {
            int status = response.statusCode();
            if (status == 404) {
                return response.body().replaceWith(Optional.empty());
            }
            if (status != 200) {
                return response.body().chain(body -> Uni.createFrom().failure(failure("HEAD", kind, id, status, body)));
            }
            String length = response.getHeader("Content-Length");
            String etag = response.getHeader("ETag");
            return response.body().replaceWith(Optional.of(new BlobHead(length == null ? -1 : Long.parseLong(length),
                    etag == null ? null : etag.replace("\"", ""))));
        });
    }

    /** The blob's bytes, streamed; empty when the store does not have it. */
    public Uni<Optional<Download>> get(BlobKind kind, String id) {
        return send(HttpMethod.GET, kind, id).chain(response -> {
            int status = response.statusCode();
            if (status == 404) {
                return response.body().replaceWith(Optional.empty());
            }
            if (status != 200) {
                return response.body().chain(body -> Uni.createFrom().failure(failure("GET", kind, id, status, body)));
            }
            String length = response.getHeader("Content-Length");
            return Uni.createFrom().item(Optional.of(new Download(length == null ? -1 : Long.parseLong(length),
                    response.toMulti())));
        });
    }

    private Uni<HttpClientResponse> send(HttpMethod method, BlobKind kind, String id) {
        if (url.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("no store configured (upc.scheduler.store-url)"));
        }
        RequestOptions options = new RequestOptions().setMethod(method)
                .setAbsoluteURI(blobUrl(url.get().toString(), kind, id));
        return exchange(options, method + " " + kind.pathSegment() + "/" + id, null);
    }

    /** One request with the store service token; failures to reach the store become StoreUnavailableExceptions. */
    private Uni<HttpClientResponse> exchange(RequestOptions options, String what, Buffer body) {
        options.putHeader("Authorization", "Bearer " + serviceToken.get());
        return http.request(options).chain(request -> body == null ? request.send() : request.send(body))
                .ifNoItem().after(TIMEOUT).failWith(() -> new StoreUnavailableException(what + ": the store at "
                        + url.get() + " did not answer within " + TIMEOUT.toSeconds() + " s"))
                .onFailure(f -> !(f instanceof StoreUnavailableException)).transform(f -> new StoreUnavailableException(
                        what + ": the store at " + url.get() + " cannot be reached: " + f.getMessage()));
    }

    private StoreUnavailableException failure(String method, BlobKind kind, String id, int status, Buffer body) {
        return new StoreUnavailableException(method + " " + kind.pathSegment() + "/" + id + " answered " + status + ": "
                + body.toString(StandardCharsets.UTF_8));
    }

    /** The store could not do what the scheduler asked. */
    public static final class StoreUnavailableException extends RuntimeException {
        public StoreUnavailableException(String message) {
            super(message);
        }
    }

    /** Where the scheduler's service token for the store comes from (it mints it). */
    public interface StoreServiceToken extends Supplier<String> {
    }
}
