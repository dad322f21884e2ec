package dev.upc.cli.client;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobHeaders;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ClusterInfo;
import dev.upc.protocol.Identity;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageList;
import dev.upc.protocol.ImageReference;
import dev.upc.protocol.InputUploadRequest;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationRequest;
import dev.upc.protocol.Paging;
import dev.upc.protocol.TokenRequest;
import dev.upc.protocol.UploadGrant;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserList;
import dev.upc.protocol.UserRequest;
import dev.upc.protocol.UserToken;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRevocation;
import dev.upc.protocol.WorkerRevocationList;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The typed client of a UPC cluster: jobs, inputs, images and users on the scheduler, workers on the registry, blobs
 * in the store, all reached from the scheduler's URL (the others come from {@link #cluster()}). Small JSON calls go
 * through the JDK HttpClient or HttpURLConnection ({@link Transport}), large bodies through HttpURLConnection with
 * streaming ({@link BlobHttp}).
 *
 * <p>Every method either returns the service's answer or throws a {@link UpcClientException}: {@link UpcApiException}
 * for a status outside 2xx, {@link UpcConnectionException} when the service cannot be reached (within the endpoint's
 * connect timeout). A local file that cannot be read is an {@link java.io.UncheckedIOException}. Nothing is printed.
 */
public final class UpcClient implements AutoCloseable {

    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(1);

    private final Endpoint endpoint;
    private final JsonTransport json;
    private final BlobHttp blobs;
    private volatile ClusterInfo cluster;

    /** A client whose JSON calls go through the JDK HttpClient. */
    public UpcClient(Endpoint endpoint) {
        this(endpoint, Transport.HTTP_CLIENT);
    }

    public UpcClient(Endpoint endpoint, Transport transport) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.json = switch (transport) {
            case HTTP_CLIENT -> new HttpClientTransport(endpoint.token(), endpoint.connectTimeout(), endpoint.tls());
            case URL_CONNECTION -> new UrlConnectionTransport(endpoint.token(), endpoint.connectTimeout(),
                    endpoint.tls());
        };
        this.blobs = new BlobHttp(endpoint.connectTimeout(), endpoint.tls());
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    // ---- who and where ------------------------------------------------------------------------------------------

    /** Who the token speaks for. */
    public Identity whoami() {
        return json.get(Service.SCHEDULER, scheduler(ApiPaths.WHOAMI).toUri(), Identity.class);
    }

    /** Where the registry and the store are; asked once per client. */
    public ClusterInfo cluster() {
        ClusterInfo known = cluster;
        if (known == null) {
            known = json.get(Service.SCHEDULER, scheduler(ApiPaths.CLUSTER).toUri(), ClusterInfo.class);
            cluster = known;
        }
        return known;
    }

    // ---- jobs ---------------------------------------------------------------------------------------------------

    public JobInfo submit(JobSubmission submission) {
        return json.post(Service.SCHEDULER, scheduler(ApiPaths.JOBS).toUri(), submission, JobInfo.class);
    }

    public JobInfo job(String jobId) {
        return json.get(Service.SCHEDULER, scheduler(ApiPaths.JOB).with("jobId", jobId).toUri(), JobInfo.class);
    }

    /** One page of jobs, newest first. */
    public JobList jobs(JobQuery query) {
        URI uri = scheduler(ApiPaths.JOBS).param("state", query.state()).param("owner", query.owner())
                .param(Paging.LIMIT, query.limit()).param(Paging.CURSOR, query.cursor()).toUri();
        return json.get(Service.SCHEDULER, uri, JobList.class);
    }

    /**
     * Up to {@code max} jobs from as many pages as that takes. The pages are sized so that the last one ends exactly
     * at {@code max}: the reply's {@code nextCursor} then continues right after the last job returned.
     */
    public JobList jobs(JobQuery query, int max) {
        List<JobInfo> jobs = new ArrayList<>();
        String cursor = query.cursor();
        while (jobs.size() < max) {
            int pageSize = Math.min(max - jobs.size(), Paging.MAX_LIMIT);
            JobList page = jobs(query.withCursor(cursor).withLimit(pageSize));
            jobs.addAll(page.jobs());
            cursor = page.nextCursor();
            if (cursor == null || page.jobs().isEmpty()) {
                break;
            }
        }
        return new JobList(jobs, cursor);
    }

    /** Every matching job, page by page as the iteration goes. */
    public Iterable<JobInfo> allJobs(JobQuery query) {
        return new Pages<>(cursor -> jobs(query.withCursor(cursor)), JobList::jobs, JobList::nextCursor,
                query.cursor());
    }

    /** The job's whole history, oldest first. */
    public List<JobEvent> events(String jobId) {
        return new Pages<>(cursor -> json.get(Service.SCHEDULER, scheduler(ApiPaths.JOB_EVENTS).with("jobId", jobId)
                .param(Paging.LIMIT, Paging.MAX_LIMIT).param(Paging.CURSOR, cursor).toUri(), JobEventList.class),
                JobEventList::events, JobEventList::nextCursor, null).all();
    }

    public JobInfo cancel(String jobId) {
        return json.delete(Service.SCHEDULER, scheduler(ApiPaths.JOB).with("jobId", jobId).toUri(), JobInfo.class);
    }

    /**
     * Asks the scheduler to move a running job.
     *
     * @param target a worker id or a PC name, or null to let the scheduler choose
     */
    public JobInfo migrate(String jobId, String target) {
        return json.post(Service.SCHEDULER, scheduler(ApiPaths.JOB_MIGRATE).with("jobId", jobId).toUri(),
                target == null ? null : new MigrationRequest(target), JobInfo.class);
    }

    /**
     * Polls the job until {@code until} holds, gently: every 200 ms at first, slowing to every second, back to 200 ms
     * after each change.
     *
     * @param timeout  how long to wait; null = as long as it takes
     * @param onChange told the job as first seen and whenever its state, epoch or worker changed
     * @return the job as it was when {@code until} held
     * @throws AwaitTimeoutException after {@code timeout}, with the job as last seen
     */
    public JobInfo awaitJob(String jobId, Predicate<JobInfo> until, Duration timeout) {
        return awaitJob(jobId, until, timeout, job -> { });
    }

    /** As {@link #awaitJob(String, Predicate, Duration)}, telling {@code onChange} of each change on the way. */
    public JobInfo awaitJob(String jobId, Predicate<JobInfo> until, Duration timeout, Consumer<JobInfo> onChange) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL;
        JobInfo previous = null;
        while (true) {
            JobInfo job = job(jobId);
            if (previous == null || moved(previous, job)) {
                onChange.accept(job);
                pause = FIRST_POLL;
            }
            if (until.test(job)) {
                return job;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AwaitTimeoutException(job, timeout);
            }
            sleep(Math.min(pause.toNanos(), left));
            pause = pause.multipliedBy(3).dividedBy(2);
            if (pause.compareTo(LONGEST_POLL) > 0) {
                pause = LONGEST_POLL;
            }
            previous = job;
        }
    }

    /**
     * The job's log, all epochs stitched, entry by entry as the scheduler sends them.
     *
     * @param follow keep reading until the job has finished and every line was sent
     */
    public void logs(String jobId, boolean follow, Consumer<JobLogEntry> onEntry) {
        URI uri = scheduler(ApiPaths.JOB_LOGS).with("jobId", jobId).param("follow", follow).toUri();
        json.streamLines(Service.SCHEDULER, uri, "application/x-ndjson", JobLogEntry.class, onEntry);
    }

    /** Streams the tar of the job's output into {@code out}; returns its size. */
    public long output(String jobId, OutputStream out) {
        return output(jobId, out, TransferListener.NONE);
    }

    public long output(String jobId, OutputStream out, TransferListener listener) {
        URI uri = scheduler(ApiPaths.JOB_OUTPUT).with("jobId", jobId).toUri();
        return blobs.get(Service.SCHEDULER, uri, endpoint.token().token(), out, listener);
    }

    // ---- inputs and images --------------------------------------------------------------------------------------

    /** Uploads one input file (unless the store already holds its content) and says how the job names it. */
    public JobInput uploadInput(Path file, String containerPath) {
        return uploadInput(file, containerPath, TransferListener.NONE);
    }

    /**
     * Uploads one input file, content-addressed: its sha256 asks for a grant, and when the store already holds that
     * content ({@code present}) nothing is sent. The mode comes from the file's owner-executable bit.
     *
     * @param containerPath where the job sees it, an absolute path
     */
    public JobInput uploadInput(Path file, String containerPath, TransferListener listener) {
        long size = LocalFiles.size(file);
        String sha256 = LocalFiles.sha256(file);
        int mode = LocalFiles.mode(file);
        UploadGrant grant = json.post(Service.SCHEDULER, scheduler(ApiPaths.INPUT_UPLOADS).toUri(),
                new InputUploadRequest(sha256, size), UploadGrant.class);
        if (!grant.present()) {
            blobs.put(Service.STORE, grantUrl(grant), grant.token(), file,
                    Map.of(BlobHeaders.EXPECTED_SHA256, sha256), listener);
        } else {
            listener.transferred(size, size);
        }
        return new JobInput(containerPath, sha256, size, mode, null);
    }

    public ImageInfo pushImage(String reference, Path dockerArchive) {
        return pushImage(reference, dockerArchive, TransferListener.NONE);
    }

    /** Uploads a docker-archive of an image with a grant, then records it under {@code reference}. */
    public ImageInfo pushImage(String reference, Path dockerArchive, TransferListener listener) {
        ImageReference image = new ImageReference(reference);
        LocalFiles.size(dockerArchive); // fail on a missing archive before asking for a grant
        UploadGrant grant = json.post(Service.SCHEDULER, scheduler(ApiPaths.IMAGE_UPLOADS).toUri(), image,
                UploadGrant.class);
        if (!grant.present()) {
            blobs.put(Service.STORE, grantUrl(grant), grant.token(), dockerArchive, Map.of(), listener);
        }
        return json.post(Service.SCHEDULER, scheduler(ApiPaths.IMAGES).toUri(), image, ImageInfo.class);
    }

    /** Every image in the store, by reference. */
    public List<ImageInfo> images() {
        return new Pages<>(cursor -> json.get(Service.SCHEDULER, scheduler(ApiPaths.IMAGES)
                .param(Paging.LIMIT, Paging.MAX_LIMIT).param(Paging.CURSOR, cursor).toUri(), ImageList.class),
                ImageList::images, ImageList::nextCursor, null).all();
    }

    // ---- users (admin) ------------------------------------------------------------------------------------------

    /**
     * Adds a user and mints its first token.
     *
     * @param ttl the token's life; null = the scheduler's default (30 days)
     */
    public UserToken addUser(String name, Duration ttl) {
        return json.post(Service.SCHEDULER, scheduler(ApiPaths.USERS).toUri(), new UserRequest(name, seconds(ttl)),
                UserToken.class);
    }

    /** Mints another token for an existing user; its older tokens keep working until they expire. */
    public UserToken newToken(String name, Duration ttl) {
        return json.post(Service.SCHEDULER, scheduler(ApiPaths.USER_TOKENS).with("name", name).toUri(),
                new TokenRequest(seconds(ttl)), UserToken.class);
    }

    public List<UserInfo> users() {
        return new Pages<>(cursor -> json.get(Service.SCHEDULER, scheduler(ApiPaths.USERS)
                .param(Paging.LIMIT, Paging.MAX_LIMIT).param(Paging.CURSOR, cursor).toUri(), UserList.class),
                UserList::users, UserList::nextCursor, null).all();
    }

    /** Revokes the user: every token it holds stops working at once. */
    public UserInfo revokeUser(String name) {
        return json.delete(Service.SCHEDULER, scheduler(ApiPaths.USER).with("name", name).toUri(), UserInfo.class);
    }

    // ---- workers (admin, on the registry) -----------------------------------------------------------------------

    /** Every worker the registry knows, ordered by PC name. */
    public List<WorkerInfo> workers() {
        return new Pages<>(cursor -> json.get(Service.REGISTRY, registry(ApiPaths.WORKERS)
                .param(Paging.LIMIT, Paging.MAX_LIMIT).param(Paging.CURSOR, cursor).toUri(), WorkerList.class),
                WorkerList::workers, WorkerList::nextCursor, null).all();
    }

    /**
     * The id of the worker with this id or PC name (its hostname, compared ignoring case).
     *
     * @throws WorkerNameException when no worker or more than one has that name
     */
    public String workerId(String idOrName) {
        List<WorkerInfo> workers = workers();
        for (WorkerInfo worker : workers) {
            if (worker.workerId().equals(idOrName)) {
                return worker.workerId();
            }
        }
        List<String> named = workers.stream()
                .filter(w -> w.registration() != null && idOrName.equalsIgnoreCase(w.registration().hostname()))
                .map(WorkerInfo::workerId).toList();
        if (named.size() != 1) {
            throw new WorkerNameException(idOrName, named);
        }
        return named.get(0);
    }

    /** Forgets the PC and revokes its tokens; it may enrol again, as a new worker. Returns the worker's id. */
    public String removeWorker(String idOrName) {
        String id = workerId(idOrName);
        json.delete(Service.REGISTRY, registry(ApiPaths.WORKER).with("workerId", id).toUri(), Void.class);
        return id;
    }

    /** Revokes the PC: forgotten, its tokens refused everywhere, its enrolment refused until unbanned. */
    public String revokeWorker(String idOrName) {
        String id = workerId(idOrName);
        json.post(Service.REGISTRY, registry(ApiPaths.WORKER_REVOKE).with("workerId", id).toUri(), null, Void.class);
        return id;
    }

    /** Lets a revoked PC enrol again (as a new worker). */
    public void unbanWorker(String workerId) {
        json.delete(Service.REGISTRY, registry(ApiPaths.WORKER_REVOCATION).with("workerId", workerId).toUri(),
                Void.class);
    }

    /** Every removed or revoked worker, oldest first. */
    public List<WorkerRevocation> workerRevocations() {
        return new Pages<>(cursor -> json.get(Service.REGISTRY, registry(ApiPaths.WORKER_REVOCATIONS)
                .param(Paging.LIMIT, Paging.MAX_LIMIT).param(Paging.CURSOR, cursor).toUri(), WorkerRevocationList.class),
                WorkerRevocationList::revocations, WorkerRevocationList::nextCursor, null).all();
    }

    /** Stops placing jobs on the PC and lets its running ones migrate off. */
    public WorkerInfo drain(String idOrName) {
        return json.post(Service.REGISTRY, registry(ApiPaths.WORKER_DRAIN).with("workerId", workerId(idOrName))
                .toUri(), null, WorkerInfo.class);
    }

    /** Lets a newly enrolled PC that waits for approval take jobs. */
    public WorkerInfo approve(String idOrName) {
        return json.post(Service.REGISTRY, registry(ApiPaths.WORKER_APPROVE).with("workerId", workerId(idOrName))
                .toUri(), null, WorkerInfo.class);
    }

    public WorkerInfo undrain(String idOrName) {
        return json.post(Service.REGISTRY, registry(ApiPaths.WORKER_UNDRAIN).with("workerId", workerId(idOrName))
                .toUri(), null, WorkerInfo.class);
    }

    // ---- blobs (admin, on the store) ----------------------------------------------------------------------------

    /** Stores a file as a blob with this client's token (an admin's: users reach the store only through grants). */
    public BlobInfo putBlob(BlobKind kind, String id, Path file) {
        URI uri = store(ApiPaths.BLOB).with("kind", kind.pathSegment()).with("id", id).toUri();
        byte[] answer = blobs.put(Service.STORE, uri, endpoint.token().token(), file, Map.of(),
                TransferListener.NONE);
        try {
            return ProtocolJson.MAPPER.readValue(answer, BlobInfo.class);
        } catch (IOException e) {
            throw Failures.io(Service.STORE, uri, e, endpoint.connectTimeout());
        }
    }

    /** Streams a blob into {@code out}; returns its size. */
    public long getBlob(BlobKind kind, String id, OutputStream out) {
        URI uri = store(ApiPaths.BLOB).with("kind", kind.pathSegment()).with("id", id).toUri();
        return blobs.get(Service.STORE, uri, endpoint.token().token(), out, TransferListener.NONE);
    }

    @Override
    public void close() {
        json.close();
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private ApiUrl scheduler(String template) {
        return ApiUrl.of(endpoint.server(), template);
    }

    private ApiUrl registry(String template) {
        String url = cluster().registryUrl();
        return ApiUrl.of(url == null ? endpoint.server() : URI.create(url), template);
    }

    private ApiUrl store(String template) {
        String url = cluster().storeUrl();
        return ApiUrl.of(url == null ? endpoint.server() : URI.create(url), template);
    }

    /** A grant's URL is the store's absolute URL; a bare path is taken relative to the store. */
    private URI grantUrl(UploadGrant grant) {
        URI url = URI.create(grant.url());
        if (url.isAbsolute()) {
            return url;
        }
        String store = cluster().storeUrl();
        return ApiUrl.of(store == null ? endpoint.server() : URI.create(store), url.toString()).toUri();
    }

    private static Long seconds(Duration ttl) {
        return ttl == null ? null : ttl.toSeconds();
    }

    /** Whether the job went somewhere: another state, another placement or another PC. */
    private static boolean moved(JobInfo before, JobInfo now) {
        return before.state() != now.state() || before.epoch() != now.epoch()
                || !Objects.equals(before.workerId(), now.workerId());
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a job", e);
        }
    }
}
