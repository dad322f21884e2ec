package dev.upc.store.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobHeaders;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobList;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.Paging;
import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.InvalidCursorException;
import dev.upc.servicehttp.PageCursors;
import dev.upc.servicehttp.audit.AuditTrail;
import dev.upc.store.access.BlobAccess;
import dev.upc.store.access.BlobOperation;
import dev.upc.store.access.NotAuthenticatedException;
import dev.upc.store.blob.Blob;
import dev.upc.store.blob.BlobKey;
import dev.upc.store.blob.BlobStore;
import dev.upc.store.blob.InvalidRequestException;
import dev.upc.store.blob.LiveUpload;
import dev.upc.store.blob.UploadAbortedException;
import dev.upc.store.config.StoreConfig;
import dev.upc.store.metrics.StoreMetrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code /api/v1/blobs/{kind}[/{id}]} on plain Vert.x routes: Quarkus REST would buffer request bodies (and cap
 * them at max-body-size), while here PUT streams through {@link RequestBody} and GET goes out with
 * {@code sendFile} (zero-copy). Store calls block, so they run on worker threads; this class only parses,
 * checks access ({@link BlobAccess}: 401 before anything else, then 400 for a bad path, then 403), delegates,
 * times and writes responses.
 *
 * <p>The id is taken from the raw request path, not from the router's normalized one: normalization decodes
 * {@code %2e} and removes dot segments, which would turn {@code checkpoints/%2e%2e} into a different
 * resource instead of the 400 it deserves.
 */
@ApplicationScoped
public class BlobRoutes {

    private static final long SWALLOW_BYTES = 1 << 20;
    private static final long SWALLOW_MILLIS = 5_000;

    private static final String BLOBS = ApiPaths.V1 + "/blobs";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,128}");
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final String KINDS = Arrays.stream(BlobKind.values()).map(BlobKind::pathSegment)
            .collect(Collectors.joining(", "));

    private final BlobStore store;
    private final BlobErrorMapper errors;
    private final ObjectMapper json;
    private final StoreConfig config;
    private final BlobAccess access;
    private final StoreMetrics metrics;
    private final UploadSlots uploads;
    private final UploadClaims claims = new UploadClaims();
    private final AuditTrail audit;
    /** Each follow of an upload in progress holds a worker thread while it lasts: no more of them than uploads. */
    private final Semaphore follows;

    BlobRoutes(BlobStore store, BlobErrorMapper errors, ObjectMapper json, StoreConfig config, BlobAccess access,
               StoreMetrics metrics, AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.errors = errors;
        this.json = json;
        this.config = config;
        this.access = access;
        this.metrics = metrics;
        this.uploads = new UploadSlots(config.maxConcurrentUploads(), config.maxWaitingUploads());
        this.follows = new Semaphore(config.maxConcurrentUploads());
        metrics.uploads(uploads::active, uploads::waiting);
    }

    /** The upload slots, for {@link UploadSlotsCheck}. */
    UploadSlots uploadSlots() {
        return uploads;
    }

    void init(@Observes Router router) {
        router.route(BLOBS + "*").handler(this::dispatch);
    }

    private void dispatch(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!path.equals(BLOBS) && !path.startsWith(BLOBS + "/")) {
            ctx.next();
            return;
        }
        String[] segments = path.equals(BLOBS) ? new String[0] : path.substring(BLOBS.length() + 1).split("/", -1);
        HttpMethod method = ctx.request().method();
        Timer.Sample timing = metrics.requestStarted();
        String operation = operationName(method, segments.length);
        ctx.addEndHandler(v -> metrics.requestDone(timing, operation, ctx.response().getStatusCode()));
        try {
            JsonWebToken token = access.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
            if (segments.length == 0 || segments.length > 2) {
                throw new InvalidRequestException("invalid_blob_path",
                        "expected " + BLOBS + "/{kind} or " + BLOBS + "/{kind}/{id}; ids cannot contain '/'");
            }
            String kindSegment = decode(segments[0]);
            BlobKind kind = BlobKind.fromPathSegment(kindSegment).orElseThrow(() -> new InvalidRequestException(
                    "unknown_blob_kind", "unknown blob kind '" + kindSegment + "'; use one of " + KINDS));
            if (segments.length == 1) {
                if (!HttpMethod.GET.equals(method)) {
                    throw new MethodNotAllowedException(method.name(), "GET");
                }
                access.authorize(token, BlobOperation.LIST, kind, Optional.empty());
                list(ctx, kind);
                return;
            }
            BlobKey key = new BlobKey(kind, decode(segments[1]));
            boolean admin = access.isAdmin(token);
            if (admin && (HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method))) {
                // An operator's change; the scheduler's pruning (service tokens) and agents' uploads (capabilities)
                // are the system's own protocol. Written as the answer's head goes out, so the trail is in the order
                // the client saw its answers.
                ctx.addHeadersEndHandler(v -> audit.change(token.getSubject(), Tokens.ADMIN, method.name(), path,
                        ctx.response().getStatusCode()));
            }
            if (HttpMethod.PUT.equals(method)) {
                access.authorize(token, BlobOperation.WRITE, kind, Optional.of(key.id()));
                put(ctx, key, admin, access.maxBytes(token));
            } else if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                access.authorize(token, BlobOperation.READ, kind, Optional.of(key.id()));
                get(ctx, key, HttpMethod.HEAD.equals(method));
            } else if (HttpMethod.DELETE.equals(method)) {
                access.authorize(token, BlobOperation.DELETE, kind, Optional.of(key.id()));
                blocking(ctx, () -> store.delete(key), existed -> ctx.response().setStatusCode(204).end());
            } else {
                throw new MethodNotAllowedException(method.name(), "PUT, GET, HEAD or DELETE");
            }
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    private static String operationName(HttpMethod method, int segments) {
        if (HttpMethod.GET.equals(method)) {
            return segments == 1 ? "list" : "get";
        }
        if (HttpMethod.PUT.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.DELETE.equals(method)) {
            return method.name().toLowerCase(Locale.ROOT);
        }
        return "other";
    }

    /** One page of the kind's blobs by id ({@link Paging}); the cursor is the last id of the previous page. */
    private void list(RoutingContext ctx, BlobKind kind) {
        String prefix = Optional.ofNullable(ctx.request().getParam("prefix")).orElse("");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new InvalidRequestException("invalid_prefix", "prefix must match " + PREFIX.pattern());
        }
        int limit = limit(ctx.request().getParam(Paging.LIMIT));
        Optional<String> after = after(ctx.request().getParam(Paging.CURSOR));
        blocking(ctx, () -> store.list(kind, prefix, after, limit), page -> sendJson(ctx, 200, new BlobList(kind, prefix,
                page.blobs(), page.continueAfter().map(id -> PageCursors.encode(List.of(id))).orElse(null))));
    }

    private static int limit(String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            return Paging.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(parameter);
            if (limit >= 1 && limit <= Paging.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below, like a number out of range
        }
        throw new InvalidRequestException("invalid_request",
                "limit must be a whole number from 1 to " + Paging.MAX_LIMIT + " (got '" + parameter + "')");
    }

    private static Optional<String> after(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        String id = PageCursors.decode(cursor, 1).get(0);
        if (!BlobKey.isValidId(id)) {
            throw new InvalidCursorException("the cursor is not one this store handed out");
        }
        return Optional.of(id);
    }

    /**
     * Checks the request, then reads the body once {@link UploadSlots} admits it (at once, or in its turn). A
     * capability's upload also holds its blob ({@link UploadClaims}) for as long as it waits or holds a slot: the two
     * are given back together, by {@code leave} while it waits and {@code finished} once it started.
     */
    private void put(RoutingContext ctx, BlobKey key, boolean admin, OptionalLong capabilityMax) {
        HttpServerRequest request = ctx.request();
        long kindMax = maxSize(key.kind());
        boolean byCapability = capabilityMax.isPresent() && capabilityMax.getAsLong() < kindMax;
        long maxSize = byCapability ? capabilityMax.getAsLong() : kindMax;
        Supplier<BlobTooLargeException> tooLarge = () -> byCapability
                ? new BlobTooLargeException("this capability lets " + key.kind().pathSegment() + "/" + key.id()
                        + " hold at most " + maxSize + " bytes: the most its job can make (its memory, the disk it"
                        + " may write and its log)")
                : tooLarge(key, maxSize);
        refuseDeclaredSize(request, maxSize, tooLarge);
        Optional<String> expected = expectedSha256(request);
        UploadClaims.Claim claim = admin ? claims.none() : claims.claim(key);
        boolean followed = "true".equalsIgnoreCase(request.getHeader(BlobHeaders.FOLLOWED));
        Context context = ctx.vertx().getOrCreateContext();
        Runnable finished = () -> {
            uploads.release();
            claim.release();
        };
        UploadSlots.Waiter upload = new UploadSlots.Waiter(context,
                () -> startPut(ctx, context, key, expected, followed, finished, maxSize, tooLarge));
        BooleanSupplier leave = () -> {
            boolean left = uploads.leave(upload);
            if (left) {
                claim.release();
            }
            return left;
        };
        // Set before admitting: a started upload's RequestBody replaces it with its own.
        request.response().closeHandler(v -> leave.getAsBoolean());
        UploadSlots.Admission admission = uploads.admit(upload);
        if (admission == UploadSlots.Admission.REFUSED) {
            claim.release();
            throw new StoreBusyException("too many uploads at once (" + config.maxConcurrentUploads()
                    + " being read, " + config.maxWaitingUploads() + " waiting); try again shortly");
        }
        if (admission == UploadSlots.Admission.WAITING) {
            Duration wait = config.uploadWaitTimeout();
            ctx.vertx().setTimer(wait.toMillis(), timer -> {
                if (leave.getAsBoolean()) { // still in line: sent away, its body unread, the connection closed
                    ErrorResponse error = errors.toErrorResponse(new StoreBusyException("waited " + wait.toSeconds()
                            + " s for an upload slot (" + config.maxConcurrentUploads() + " being read); try again"));
                    request.response().putHeader("Retry-After", "2").putHeader(HttpHeaders.CONNECTION, "close");
                    sendJson(ctx, error.status(), error).onComplete(sent -> request.connection().close());
                }
            });
        }
    }

    /**
     * Reads the body into the store, holding an upload slot until the put is over ({@code finished} gives it back);
     * on the request's context.
     */
    private void startPut(RoutingContext ctx, Context context, BlobKey key, Optional<String> expected,
                          boolean followed, Runnable finished, long maxSize,
                          Supplier<BlobTooLargeException> tooLarge) {
        HttpServerRequest request = ctx.request();
        if (request.response().closed()) {
            finished.run(); // its client left while it waited
            return;
        }
        RequestBody body;
        try {
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
            }
            body = new RequestBody(request, context, config.uploadIdleTimeout());
        } catch (RuntimeException e) {
            finished.run();
            fail(ctx, e);
            return;
        }
        ctx.put(RequestBody.CONTEXT_KEY, body);
        blocking(ctx, () -> {
            try {
                return store.put(key, SizeLimit.of(body, maxSize, tooLarge::get), expected,
                        followed);
            } finally {
                finished.run();
            }
        }, result -> {
            metrics.bytesIn(key.kind(), result.info().size());
            sendJson(ctx, result.created() ? 201 : 200, result.info());
        });
    }

    /** The largest blob of the kind ({@code upc.store.max-blob-size}); no limit for a kind without one. */
    private long maxSize(BlobKind kind) {
        MemorySize max = config.maxBlobSize().get(kind.pathSegment());
        return max == null ? Long.MAX_VALUE : max.asLongValue();
    }

    /** A declared length beyond the kind's limit is refused before anything is read. */
    private static void refuseDeclaredSize(HttpServerRequest request, long maxSize,
                                           Supplier<BlobTooLargeException> tooLarge) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return;
        }
        try {
            if (Long.parseLong(length.trim()) > maxSize) {
                throw tooLarge.get();
            }
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid_request", "Content-Length is not a number: " + length);
        }
    }

    private static BlobTooLargeException tooLarge(BlobKey key, long maxSize) {
        return new BlobTooLargeException("a blob of kind " + key.kind().pathSegment() + " may hold at most " + maxSize
                + " bytes (upc.store.max-blob-size." + key.kind().pathSegment() + ")");
    }

    private void get(RoutingContext ctx, BlobKey key, boolean head) {
        Optional<ByteRange.Spec> rangeSpec = ByteRange.parse(ctx.request().getHeader("Range"));
        boolean follow = follows(ctx.request().getParam(BlobHeaders.FOLLOW)) && !head;
        if (follow && rangeSpec.isPresent()) {
            throw new InvalidRequestException("invalid_request", "follow cannot be combined with Range");
        }
        blocking(ctx, () -> {
            if (follow) {
                Optional<LiveUpload> live = store.live(key);
                if (live.isPresent()) {
                    if (!follows.tryAcquire()) {
                        throw new StoreBusyException("too many reads of uploads in progress at once ("
                                + config.maxConcurrentUploads() + "); try again shortly, or read the blob once stored");
                    }
                    Optional<Long> sent;
                    try {
                        sent = new LiveSend(ctx, live.get()).run();
                    } finally {
                        follows.release();
                    }
                    if (sent.isPresent()) {
                        metrics.bytesOut(key.kind(), sent.get());
                        return null; // answered
                    }
                }
            }
            return store.get(key);
        }, blob -> {
            if (blob == null) {
                return;
            }
            long size = blob.info().size();
            ByteRange range = rangeSpec.map(spec -> spec.resolve(size)).orElse(new ByteRange(0, size - 1));
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, OCTET_STREAM)
                    .putHeader(HttpHeaders.ETAG, "\"" + blob.info().sha256() + "\"")
                    .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
            if (rangeSpec.isPresent()) {
                response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
            }
            send(ctx, blob, range, head);
        });
    }

    private static boolean follows(String parameter) {
        if (parameter == null || parameter.equals("false")) {
            return false;
        }
        if (parameter.equals("true")) {
            return true;
        }
        throw new InvalidRequestException("invalid_request",
                BlobHeaders.FOLLOW + " must be true or false (got '" + parameter + "')");
    }

    private void send(RoutingContext ctx, Blob blob, ByteRange range, boolean head) {
        HttpServerResponse response = ctx.response();
        long length = range.length();
        if (head || length == 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
            return;
        }
        response.sendFile(blob.file().toString(), blob.contentOffset() + range.first(), length)
                .onSuccess(v -> metrics.bytesOut(blob.info().kind(), length))
                .onFailure(e -> {
                    if (response.headWritten()) {
                        // Too late for an error body: cut the connection so the client sees a short read.
                        ctx.request().connection().close();
                    } else {
                        fail(ctx, e);
                    }
                });
    }

    private static Optional<String> expectedSha256(HttpServerRequest request) {
        String header = request.getHeader(BlobHeaders.EXPECTED_SHA256);
        if (header == null) {
            return Optional.empty();
        }
        if (!SHA256_HEX.matcher(header.trim()).matches()) {
            throw new InvalidRequestException("invalid_digest",
                    BlobHeaders.EXPECTED_SHA256 + " must be 64 hex digits (a sha256)");
        }
        return Optional.of(header.trim().toLowerCase(Locale.ROOT));
    }

    private static String decode(String segment) {
        try {
            // URLDecoder is a form decoder: keep '+' literal as it is in a path.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid_blob_path", "bad percent-encoding in the path");
        }
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> call, Consumer<T> respond) {
        ctx.vertx().<T>executeBlocking(call, false).onComplete(result -> {
            try {
                if (result.failed()) {
                    fail(ctx, result.cause());
                } else {
                    respond.accept(result.result());
                }
            } catch (RuntimeException e) {
                fail(ctx, e);
            }
        });
    }

    private void fail(RoutingContext ctx, Throwable failure) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        HttpServerRequest request = ctx.request();
        // A body that stopped coming leaves the connection mid-request: answer, then close it.
        boolean stalled = failure instanceof UploadAbortedException && !request.isEnded();
        // Too large: the rest of the body is not worth reading; answer and close.
        boolean close = stalled || failure instanceof BlobTooLargeException && !request.isEnded();
        if (!request.isEnded() && !close) {
            // Refused before the body was read (bad id, digest header, full disk): read and drop the rest so
            // the client gets this answer instead of a reset while it is still sending.
            RequestBody body = ctx.get(RequestBody.CONTEXT_KEY);
            if (body != null) {
                body.discardRest();
            }
            request.handler(chunk -> { }).resume();
        }
        ErrorResponse error = errors.toErrorResponse(failure);
        if (failure instanceof RangeNotSatisfiableException e) {
            response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size());
        }
        if (failure instanceof MethodNotAllowedException e) {
            response.putHeader(HttpHeaders.ALLOW, e.allow());
        }
        if (failure instanceof StoreBusyException) {
            response.putHeader("Retry-After", "2");
        }
        if (failure instanceof NotAuthenticatedException) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"upc\"");
        }
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> sent = sendJson(ctx, error.status(), error);
        // Too large, with a body worth swallowing: the client will hear the answer once it has sent it.
        boolean swallow = close && !stalled && declaredLength(request) <= SWALLOW_BYTES;
        if (close && !swallow) {
            sent.onComplete(v -> request.connection().close());
        } else if (swallow) {
            swallowThenClose(ctx, request);
        }
    }

    /** The request's declared body length; 0 for a chunked one (its rest is unknown), beyond any limit if garbled. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? 0 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Reads and drops what remains of a body refused as too large, up to {@value #SWALLOW_BYTES} bytes or
     * {@value #SWALLOW_MILLIS} ms, then closes the connection (Tomcat's {@code maxSwallowSize}): most clients send
     * their whole body before they read the answer, and a connection closed under them is a reset, not the 413. A
     * body declared larger than that is not read at all.
     */
    private static void swallowThenClose(RoutingContext ctx, HttpServerRequest request) {
        RequestBody body = ctx.get(RequestBody.CONTEXT_KEY);
        if (body != null) {
            body.discardRest();
        }
        long[] left = {SWALLOW_BYTES};
        Runnable close = () -> request.connection().close();
        long timer = ctx.vertx().setTimer(SWALLOW_MILLIS, t -> close.run());
        request.handler(chunk -> {
            left[0] -= chunk.length();
            if (left[0] < 0) {
                ctx.vertx().cancelTimer(timer);
                close.run();
            }
        }).endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            close.run();
        }).resume();
    }

    private Future<Void> sendJson(RoutingContext ctx, int status, Object body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
        return response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Buffer.buffer(bytes));
    }
}
