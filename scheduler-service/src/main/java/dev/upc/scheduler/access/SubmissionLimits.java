package dev.upc.scheduler.access;

import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.service.SchedulerException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * What one user may have the scheduler hold: at most {@code upc.scheduler.users.submissions-per-minute} submissions
 * a minute ({@link SubmissionRate}) and at most {@code upc.scheduler.users.max-unfinished-jobs} jobs not yet finished,
 * like HTCondor's MAX_JOBS_PER_OWNER. Beyond either a submission is answered 429 with Retry-After. Admins are not
 * limited (they are the operators).
 */
@ApplicationScoped
public class SubmissionLimits {

    private final SubmissionRate rate;
    private final int maxUnfinished;

    SubmissionLimits(SchedulerConfig config) {
        this.rate = new SubmissionRate(config.users().submissionsPerMinute());
        this.maxUnfinished = config.users().maxUnfinishedJobs();
    }

    /**
     * Admits one more job of {@code caller}, inside the transaction that submits it: the user's row of jobs is locked
     * (an advisory lock on the name) so that concurrent submissions cannot both take the last place.
     */
    public Uni<Void> admit(Caller caller, SqlConnection c) {
        if (caller.admin()) {
            return Uni.createFrom().voidItem();
        }
        Optional<Duration> wait = rate.take(caller.name(), System.nanoTime());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Uni.createFrom().failure(SchedulerException.tooMany("too_many_submissions", "user " + caller.name()
                    + " submits faster than the scheduler takes (upc.scheduler.users.submissions-per-minute); try"
                    + " again in " + seconds + " s", seconds));
        }
        if (maxUnfinished == 0) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('upc-user:' || $1))")
                .execute(Tuple.of(caller.name()))
                .chain(() -> c.preparedQuery("SELECT count(*) FROM jobs WHERE submitted_by = $1"
                        + " AND state NOT IN ('SUCCEEDED','FAILED','CANCELLED')").execute(Tuple.of(caller.name())))
                .map(rows -> rows.iterator().next().getLong(0))
                .invoke(unfinished -> {
                    if (unfinished >= maxUnfinished) {
                        throw SchedulerException.tooMany("too_many_jobs", "user " + caller.name() + " has "
                                + unfinished + " unfinished jobs, the most one user may have"
                                + " (upc.scheduler.users.max-unfinished-jobs); wait for some to finish or cancel"
                                + " some", 60);
                    }
                })
                .replaceWithVoid();
    }
}
