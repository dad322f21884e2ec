package dev.upc.agent.lifecycle;

import dev.upc.agent.config.AgentConfig;
import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.facts.CriuIdentity;
import dev.upc.agent.facts.CriuProbe;
import dev.upc.agent.facts.MachineFacts;
import dev.upc.agent.facts.ProcMachineFacts;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.CachedCriu;
import dev.upc.agent.state.CachedPodman;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * What the agent establishes before it registers: settings, facts, libpod, CRIU — each checked, so that a PC that
 * cannot run jobs is refused with a message rather than offered to the cluster. What a restart can trust from the
 * state file (podman's facts, CRIU's pass on this boot) is trusted, and checked again in the background.
 */
public final class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class);

    private Startup() {
    }

    /**
     * What {@code run} and {@code check} establish before anything else: settings, facts, libpod, CRIU.
     *
     * @param state          the agent's state ({@code run} only)
     * @param hostFromCache  the podman facts came from the state file; libpod only answered a ping
     * @param criuFromCache CRIU passed its check earlier on this boot; it is checked again in the background
     */
    public record Ready(AgentSettings settings, MachineFacts facts, PodmanHost host, LibpodClient libpod,
                         AgentState state, boolean hostFromCache, boolean criuFromCache) {
    }

    /**
     * Everything independent runs side by side: {@code criu check} (tens of ms) in the background while the facts
     * are read; for {@code run}, podman's facts come from the state file when it has them for this socket (libpod's
     * {@code info} takes a few hundred ms and is asked again in the background once registered).
     */
    public static Ready prepare(AgentConfig config, boolean run) {
        AgentState state = run ? openState(config.stateDir()) : null;
        // A CRIU that passed its check on this boot need not wait for it again (a restart): checked in the background.
        Optional<CriuIdentity> criuIdentity = state == null ? Optional.empty()
                : CriuIdentity.of(config.criu(), Path.of("/"));
        Optional<CachedCriu> checked = state == null ? Optional.empty()
                : state.criu().filter(c -> criuIdentity.map(i -> i.passed(c)).orElse(false));
        CompletableFuture<Void> criu = checked.isPresent() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> StartupChecks.criu(config.criu()));
        CriuProbe probe = new CriuProbe(List.of(config.criu(), "--version"), Duration.ofSeconds(5));
        MachineFacts facts = new ProcMachineFacts(Path.of("/"), config.stateDir().resolve("machine-id"),
                checked.isPresent() ? checked.get()::version : probe::version, System.getProperty("os.arch")).collect();
        if (config.machineId().isPresent()) {
            MachineFacts f = facts;
            facts = new MachineFacts(config.machineId().get(), f.hostname(), f.cores(), f.memoryMiB(), f.cpuModel(),
                    f.cpuFlags(), f.arch(), f.criuVersion());
        }
        AgentSettings settings = AgentSettings.validate(config, facts.cores(), facts.memoryMiB(), facts.hostname());
        LibpodClient libpod = LibpodClient.forSocket(settings.podmanSocket());
        String socket = settings.podmanSocket().toString();
        Optional<PodmanHost> cached = state == null ? Optional.empty()
                : state.podman().filter(p -> p.socket().equals(socket)).map(CachedPodman::host);
        PodmanHost host;
        if (cached.isPresent()) {
            StartupChecks.ping(libpod, settings.podmanSocket());
            host = cached.get();
        } else {
            host = StartupChecks.libpod(libpod, settings.podmanSocket());
            if (state != null) {
                state.podman(new CachedPodman(socket, host));
            }
        }
        try {
            criu.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (state != null && checked.isEmpty() && criuIdentity.isPresent()) {
            state.criu(criuIdentity.get().passedWith(facts.criuVersion()));
        }
        return new Ready(settings, facts, host, libpod, state, cached.isPresent(), checked.isPresent());
    }

    private static AgentState openState(Path dir) {
        try {
            return AgentState.open(dir);
        } catch (IOException e) {
            throw new StartupCheckException("cannot use the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code criu check} again, behind a start that trusted the earlier pass: a CRIU that fails it now must not be
     * offered to the cluster, so the agent forgets the pass and calls {@code stop} (systemd restarts it, to check
     * first).
     */
    public static void recheckCriu(String criu, AgentState state, Runnable stop) {
        Thread recheck = new Thread(() -> {
            try {
                StartupChecks.criu(criu);
            } catch (RuntimeException e) {
                state.criu(null);
                LOG.errorf("CRIU fails its check now, though it passed earlier on this boot: %s; stopping",
                        e.getMessage());
                stop.run();
            }
        }, "upc-criu-recheck");
        recheck.setDaemon(true);
        recheck.start();
    }
}
