package dev.upc.protocol;

/** The URL paths of protocol v1, shared by the services that serve them and the clients that call them. */
public final class ApiPaths {

    public static final String V1 = "/api/v1";

    public static final String WORKERS = V1 + "/workers";
    public static final String WORKER = WORKERS + "/{workerId}";
    public static final String WORKER_HEARTBEAT = WORKER + "/heartbeat";
    public static final String WORKER_DRAIN = WORKER + "/drain";
    public static final String WORKER_UNDRAIN = WORKER + "/undrain";
    public static final String WORKER_APPROVE = WORKER + "/approve";
    public static final String WORKER_REVOKE = WORKER + "/revoke";
    public static final String WORKER_REVOCATIONS = V1 + "/worker-revocations";
    public static final String WORKER_REVOCATION = WORKER_REVOCATIONS + "/{workerId}";
    /**
     * Header of a re-registration ({@code POST /api/v1/workers} for a machine enrolled before): the worker's own
     * credential, which its first registration returned.
     */
    public static final String WORKER_CREDENTIAL_HEADER = "Upc-Worker-Credential";

    public static final String JOBS = V1 + "/jobs";
    public static final String JOB = JOBS + "/{jobId}";
    public static final String JOB_EVENTS = JOB + "/events";
    public static final String JOB_MIGRATE = JOB + "/migrate";
    /** GET: the job's log, all epochs stitched in order ({@code ?follow=true} streams until the job ends). */
    public static final String JOB_LOGS = JOB + "/logs";
    /** GET: a tar of the job's {@code outputPath} as it was when the job exited. */
    public static final String JOB_OUTPUT = JOB + "/output";

    /** GET: who the bearer token speaks for ({@link Identity}). */
    public static final String WHOAMI = V1 + "/whoami";
    /** GET: where the cluster's other services are for clients ({@link ClusterInfo}). */
    public static final String CLUSTER = V1 + "/cluster";

    /** POST: add a user and mint its token (admin); GET: list users (admin). */
    public static final String USERS = V1 + "/users";
    /** DELETE: revoke the user: every token it holds stops working at once (admin). */
    public static final String USER = USERS + "/{name}";
    /** POST: mint another token for an existing user (admin). */
    public static final String USER_TOKENS = USER + "/tokens";

    /** GET: images in the store; POST: record an image whose archive was uploaded with a grant. */
    public static final String IMAGES = V1 + "/images";
    /** POST: a grant to upload one image archive to the store ({@link UploadGrant}). */
    public static final String IMAGE_UPLOADS = IMAGES + "/uploads";
    /** POST: a grant to upload one input file to the store, content-addressed ({@link UploadGrant}). */
    public static final String INPUT_UPLOADS = V1 + "/inputs/uploads";

    public static final String AGENT_COMMANDS = V1 + "/agents/{workerId}/commands";
    public static final String AGENT_EVENTS = V1 + "/agents/{workerId}/events";
    /** PUT: the owner came back or left, and the jobs the agent suspended for it ({@link OwnerReport}). */
    public static final String AGENT_OWNER = V1 + "/agents/{workerId}/owner";
    public static final String AGENT_BLOB_TOKENS = V1 + "/agents/{workerId}/blob-tokens";
    /** POST: lines a job printed, shipped while it runs ({@link JobLogChunk}). */
    public static final String AGENT_LOGS = V1 + "/agents/{workerId}/logs";

    public static final String BLOBS = V1 + "/blobs/{kind}";
    public static final String BLOB = BLOBS + "/{id}";
    /**
     * The store's copy of the revoked workers ({@link RevokedWorkerIds}): PUT by the scheduler (admin) after each read
     * of the registry's revocations, so that their capabilities stop working at the store too; GET (admin).
     */
    public static final String STORE_REVOKED_WORKERS = V1 + "/revoked-workers";

    private ApiPaths() {
    }
}
