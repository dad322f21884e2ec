package dev.upc.agent.lifecycle;

import dev.upc.agent.job.ContainerNames;
import dev.upc.agent.job.Events;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * At start, the job containers from before: the agent's own are watched again, labelled ones the state file forgot
 * are adopted, and those the state file knows but podman no longer has are reported EXITED (with no exit code).
 */
final class Reattachment {

    private static final Logger LOG = Logger.getLogger(Reattachment.class);

    private Reattachment() {
    }

    static void run(LibpodClient libpod, AgentState state, JobRunner runner) {
        Map<String, ManagedContainer> known = new HashMap<>(state.containers());
        for (ContainerSummary found : libpod.listByLabel(JobRunner.LABEL_JOB)) {
            String name = found.plainName();
            ManagedContainer container = known.remove(name);
            if (container == null) {
                Optional<ContainerNames> parsed = ContainerNames.parse(name);
                if (parsed.isEmpty()) {
                    continue;
                }
                container = new ManagedContainer(name, parsed.get().jobId(), parsed.get().epoch(),
                        found.labels().getOrDefault(JobRunner.LABEL_COMMAND, "adopted-" + name), null, 1, 0, null);
                state.remember(container);
                LOG.infof("container=%s adopted (labelled, but not in the state file)", name);
            } else {
                LOG.infof("container=%s re-attached (%s)", name, found.state());
            }
            runner.adopt(container, "running".equals(found.state()));
        }
        for (ManagedContainer vanished : known.values()) {
            LOG.warnf("container=%s of job=%s vanished while the agent was down", vanished.name(), vanished.jobId());
            state.queue(Events.exited(vanished.commandId(), vanished.jobId(), vanished.epoch(), -1, null, null, null,
                    null));
            state.forget(vanished.name());
        }
    }
}
