package dev.upc.protocol;

/**
 * The bearer tokens the checkpoint store accepts on {@code /api/v1/blobs}: RS256 JWTs signed with the cluster
 * key (the scheduler's and registry's private key; the store holds only the public key).
 *
 * <p>A <b>capability token</b> lets an agent read or write one blob and nothing else:
 * <pre>
 * header  {"alg":"RS256","typ":"JWT"}
 * claims  {"iss":"upc", "sub":"&lt;workerId&gt;", "iat":…, "exp":…,   (exp required; keep it short: minutes)
 *          "upc.blob":"checkpoints/job-7-3-1",                     (kind path segment + "/" + id)
 *          "upc.op":"read"}                                        ("read", "write", or an array of both)
 * </pre>
 * An <b>admin token</b> is a JWT of the same issuer and key with {@code "groups":["admin"]}: it may do
 * everything, including DELETE and listing, which capability tokens never may.
 */
public final class BlobCapability {

    /** {@code iss} of every token the store accepts. */
    public static final String ISSUER = "upc";
    /** JWS algorithm: RSASSA-PKCS1-v1_5 with SHA-256. */
    public static final String ALGORITHM = "RS256";
    /** Claim naming the one blob the token is for: {@code <kind>/<id>}, e.g. {@code checkpoints/job-7-3-1}. */
    public static final String BLOB_CLAIM = "upc.blob";
    /** Claim naming the permitted operation(s): {@value #READ} (GET, HEAD), {@value #WRITE} (PUT), or both. */
    public static final String OPERATION_CLAIM = "upc.op";
    /**
     * Optional claim of a write capability: the most bytes the blob may hold. The scheduler bounds a checkpoint by what
     * its job may hold (memory, disk, log), so a PC cannot fill the store under one job's name; the store refuses a
     * larger upload with 413, as it does one larger than its kind may be.
     */
    public static final String MAX_BYTES_CLAIM = "upc.max";
    public static final String READ = "read";
    public static final String WRITE = "write";
    /** Member of the {@code groups} claim that makes a token an admin token. */
    public static final String ADMIN_GROUP = "admin";

    private BlobCapability() {
    }

    /** The {@value #BLOB_CLAIM} value for a blob. */
    public static String blobClaim(BlobKind kind, String id) {
        return kind.pathSegment() + "/" + id;
    }
}
