package dev.upc.agent.libpod;

import java.time.Duration;

/**
 * @param id           the restored container's id
 * @param archiveBytes bytes of the archive sent to libpod
 * @param uploaded     time to hand the archive to libpod (staged on its side)
 * @param restored     time from the end of the upload to libpod's answer (unpack and CRIU restore)
 */
public record RestoreReport(String id, long archiveBytes, Duration uploaded, Duration restored) {
}
