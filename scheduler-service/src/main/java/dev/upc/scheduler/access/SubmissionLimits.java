package dev.upc.scheduler.access;

import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.service.SchedulerException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
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
    private final JobStore store;

    SubmissionLimits(SchedulerConfig config, JobStore store) {
        this.rate = new SubmissionRate(config.users().submissionsPerMinute());
        this.maxUnfinished = config.users().maxUnfinishedJobs();
        this.store = store;
    }

    /** Takes one submission of {@code caller} from its rate: the first step, before anything is looked up for it. */
    public void pace(Caller caller) {
        if (caller.admin()) {
            return;
        }
        Optional<Duration> wait = rate.take(caller.name(), System.nanoTime());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw SchedulerException.tooMany("too_many_submissions", "user " + caller.name()
                    + " submits faster than the scheduler takes (upc.scheduler.users.submissions-per-minute); try"
                    + " again in " + seconds + " s", seconds);
        }
    }

    /** Admits one more unfinished job of {@code caller}, inside the transaction that submits it. */
    public Uni<Void> admit(Caller caller, SqlConnection c) {
        if (caller.admin() || maxUnfinished == 0) {
            return Uni.createFrom().voidItem();
        }
        return store.lockAndCountUnfinished(c, caller.name()).invoke(unfinished -> {
            if (unfinished >= maxUnfinished) {
                throw SchedulerException.tooMany("too_many_jobs", "user " + caller.name() + " has " + unfinished
                        + " unfinished jobs, the most one user may have (upc.scheduler.users.max-unfinished-jobs);"
                        + " wait for some to finish or cancel some", 60);
            }
        }).replaceWithVoid();
    }
}
