package dev.upc.protocol;

/** The URL paths of protocol v1, shared by the services that serve them and the clients that call them. */
public final class ApiPaths {

    public static final String V1 = "/api/v1";

    public static final String WORKERS = V1 + "/workers";
    public static final String WORKER = WORKERS + "/{workerId}";
    public static final String WORKER_HEARTBEAT = WORKER + "/heartbeat";
    public static final String WORKER_DRAIN = WORKER + "/drain";
    public static final String WORKER_UNDRAIN = WORKER + "/undrain";

    public static final String JOBS = V1 + "/jobs";
    public static final String JOB = JOBS + "/{jobId}";
    public static final String JOB_EVENTS = JOB + "/events";
    public static final String JOB_MIGRATE = JOB + "/migrate";

    public static final String AGENT_COMMANDS = V1 + "/agents/{workerId}/commands";
    public static final String AGENT_EVENTS = V1 + "/agents/{workerId}/events";
    public static final String AGENT_BLOB_TOKENS = V1 + "/agents/{workerId}/blob-tokens";

    public static final String BLOBS = V1 + "/blobs/{kind}";
    public static final String BLOB = BLOBS + "/{id}";

    private ApiPaths() {
    }
}
