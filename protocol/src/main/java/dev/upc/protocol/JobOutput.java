package dev.upc.protocol;

/**
 * Where a finished job's output lives in the store (kind {@code outputs}): a tar of the job's {@code outputPath}
 * (libpod's archive API), one per placement epoch so a retried job never overwrites an earlier attempt's. The job's
 * log is no blob: agents ship it to the scheduler while the job runs ({@link JobLogChunk}).
 */
public final class JobOutput {

    private JobOutput() {
    }

    public static String blobId(String jobId, long epoch) {
        return jobId + "-" + epoch;
    }
}
