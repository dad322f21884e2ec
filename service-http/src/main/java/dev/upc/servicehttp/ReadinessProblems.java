package dev.upc.servicehttp;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jboss.logging.Logger;

/**
 * What keeps this service from serving, by check (a database not migrated, an unreadable key, a missing setting).
 * Bad configuration must not crash-loop the service with a stack trace: it stays alive, fails readiness
 * ({@link SetupReadiness}) and answers API calls 503 ({@link NotReadyGate}) naming the problem, and the log has one
 * line per distinct problem, so a retry loop that keeps failing the same way does not flood it.
 */
@Singleton
public class ReadinessProblems {

    private static final Logger LOG = Logger.getLogger(ReadinessProblems.class);

    private final ConcurrentMap<String, String> problems = new ConcurrentHashMap<>();

    /** Records the problem of {@code check}, logging it once unless it is the one already recorded. */
    public void report(String check, String problem) {
        Objects.requireNonNull(problem, "problem");
        if (!problem.equals(problems.put(check, problem))) {
            LOG.error(problem);
        }
    }

    /** Records that {@code check} has not finished yet, without a log line: a state, not a failure. */
    public void pending(String check, String what) {
        problems.putIfAbsent(check, what);
    }

    /** {@code check} is fine now; logs that once if it had a problem. */
    public void resolve(String check, String message) {
        if (problems.remove(check) != null) {
            LOG.info(message);
        }
    }

    /** The current problems by check, sorted; empty when the service is ready. */
    public Map<String, String> current() {
        return new TreeMap<>(problems);
    }

    public boolean has(String check) {
        return problems.containsKey(check);
    }

    /**
     * @throws ServiceNotReadyException naming the problem of {@code check}, if it has one
     */
    public void require(String check) {
        String problem = problems.get(check);
        if (problem != null) {
            throw new ServiceNotReadyException(problem);
        }
    }
}
