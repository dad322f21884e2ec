package dev.upc.scheduler.planner;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.job.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Containers that agents report in their heartbeats but that are no job's current copy: left behind by an agent that
 * restarted, a LOST PC that came back, or a command that never arrived. Pure functions in two steps, so the planner
 * needs one query per round (and none when every reported container is legitimate):
 * {@link #suspects} from the heartbeats and the active jobs, then {@link #fences} once the database has said which
 * suspects' jobs exist and which are already being fenced.
 */
public final class StaleContainers {

    /** libpod states of a container whose process still exists: it must be killed, not just removed. */
    private static final Set<String> LIVE_STATES = Set.of("running", "paused", "stopping", "restarting");

    private StaleContainers() {
    }

    /**
     * A reported container that no active job accounts for.
     *
     * @param reportedAt when the heartbeat that listed it arrived (the worker's lastSeenAt)
     */
    public record Suspect(String workerId, String jobId, long epoch, String state, Instant reportedAt) {

        public boolean live() {
            return state == null || LIVE_STATES.contains(state.toLowerCase(Locale.ROOT)); // unknown: KILL to be sure
        }
    }

    /**
     * What the database knows about a suspect.
     *
     * @param jobKnown the job exists (finished or not): only then can a command about it be queued
     * @param fenced   a KILL or CLEANUP of exactly this container is unacknowledged, or was acknowledged after the
     *                 heartbeat that listed the container (which therefore proves nothing)
     */
    public record Standing(boolean jobKnown, boolean fenced) {
    }

    /** A command to queue: KILL a live container, CLEANUP a stopped one. */
    public record Fence(String workerId, String jobId, long epoch, AgentCommandType type, String state) {
    }

    /** Reported containers on ONLINE workers (a SUSPECT or LOST worker's report is old) that are not legitimate. */
    public static List<Suspect> suspects(List<WorkerInfo> workers, Map<String, Job> active) {
        List<Suspect> suspects = new ArrayList<>();
        for (WorkerInfo worker : workers) {
            if (worker.status() != WorkerStatus.ONLINE || worker.latestReport() == null) {
                continue;
            }
            for (ContainerReport container : worker.latestReport().containers()) {
                if (!legitimate(active.get(container.jobId()), worker.workerId(), container.epoch())) {
                    suspects.add(new Suspect(worker.workerId(), container.jobId(), container.epoch(),
                            container.state(), worker.lastSeenAt()));
                }
            }
        }
        suspects.sort(Comparator.comparing(Suspect::workerId).thenComparing(Suspect::jobId)
                .thenComparingLong(Suspect::epoch));
        return suspects;
    }

    /** The commands for the suspects whose job exists and that nobody is fencing yet. */
    public static List<Fence> fences(List<Suspect> suspects, Map<Suspect, Standing> standings) {
        List<Fence> fences = new ArrayList<>();
        for (Suspect suspect : suspects) {
            Standing standing = standings.get(suspect);
            if (standing == null || !standing.jobKnown() || standing.fenced()) {
                continue;
            }
            fences.add(new Fence(suspect.workerId(), suspect.jobId(), suspect.epoch(),
                    suspect.live() ? AgentCommandType.KILL : AgentCommandType.CLEANUP, suspect.state()));
        }
        return fences;
    }

    /**
     * Whether the job (null if not active) may have a container of this epoch on this worker: its current one, the
     * kept stopped source of a migration, or the target of a restore in flight (which is the current one as well,
     * since the epoch moves to the target when the RESTORE is sent).
     */
    public static boolean legitimate(Job job, String workerId, long epoch) {
        return job != null && job.mayHaveContainer(workerId, epoch);
    }
}
