package dev.upc.agent.job;

import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Containers a command is taking down (a KILL, a CLEANUP, a checkpoint, a rename): their stop is not the job's end, so
 * {@link JobEnd} leaves them alone while they are here.
 */
final class TakenDown {

    private static final Logger LOG = Logger.getLogger(TakenDown.class);

    private final TaskDriver driver;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    TakenDown(TaskDriver driver) {
        this.driver = driver;
    }

    boolean contains(String name) {
        return names.contains(name);
    }

    void add(String name) {
        names.add(name);
    }

    void remove(String name) {
        names.remove(name);
    }

    /** Kills and removes the task with all it held; failures are logged, or added to {@code failure}. */
    void killQuietly(String name, RuntimeException failure) {
        names.add(name);
        try {
            driver.kill(TaskHandle.of(name));
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warnf("container=%s could not be removed: %s", name, Failures.describe(e));
            }
        } finally {
            names.remove(name);
        }
    }
}
