package dev.upc.protocol;

/**
 * Where a finished job's results live in the store (kind {@code outputs}), one pair per placement epoch so a retried
 * job never overwrites an earlier attempt's:
 * <ul>
 *   <li>{@link #blobId} — a tar of the job's {@code outputPath} (libpod's archive API), when the job names one;</li>
 *   <li>{@link #logBlobId} — the tail of the job's stdout and stderr as UTF-8 text.</li>
 * </ul>
 */
public final class JobOutput {

    private JobOutput() {
    }

    public static String blobId(String jobId, long epoch) {
        return jobId + "-" + epoch;
    }

    public static String logBlobId(String jobId, long epoch) {
        return blobId(jobId, epoch) + ".log";
    }
}
