package dev.upc.e2e.experiment;

import dev.upc.protocol.JobEvent;
import java.util.List;
import java.util.Map;

/**
 * What one run observed of one job: its history as the scheduler recorded it, plus what the history does not carry.
 *
 * @param jobId             the scheduler's id
 * @param name              the submitted name ({@code job-3})
 * @param units             the counter's {@code --work} units (and its work estimate in reference-CPU seconds)
 * @param events            the job's history, oldest first
 * @param cpuAtCheckpoint   CPU seconds of the container at each migration checkpoint, by the epoch that was
 *                          checkpointed (a restored container counts from zero again); absent where it was not seen
 * @param tickAtCheckpoint  the counter's last tick on the source PC, by the epoch that was checkpointed; absent where
 *                          it was not seen
 */
public record JobRecord(String jobId, String name, int units, List<JobEvent> events, Map<Long, Double> cpuAtCheckpoint,
                        Map<Long, Long> tickAtCheckpoint) {

    public JobRecord {
        events = List.copyOf(events);
        cpuAtCheckpoint = Map.copyOf(cpuAtCheckpoint);
        tickAtCheckpoint = Map.copyOf(tickAtCheckpoint);
    }
}
