package dev.upc.agent.driver;

import java.time.Duration;

/**
 * A restore's account.
 *
 * @param archiveBytes bytes of the archive taken in
 * @param received     time to take the archive in
 * @param restored     time from its end to the task running
 */
public record Restored(long archiveBytes, Duration received, Duration restored) {
}
