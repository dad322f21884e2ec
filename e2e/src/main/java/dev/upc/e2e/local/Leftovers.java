package dev.upc.e2e.local;

import dev.upc.e2e.pc.SimulatedPc;
import dev.upc.localpg.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a local cluster leaves when its supervisor did not stop it (killed, or the machine lost power): the processes
 * its record names — only those, told by pid and start time — and the PCs' storage and the private PostgreSQL.
 */
final class Leftovers {

    private Leftovers() {
    }

    static void clean(ClusterState state, Consumer<String> say) {
        List<ClusterState.Proc> processes = new ArrayList<>();
        state.pcs().forEach(pc -> processes.add(pc.agent()));
        state.pcs().forEach(pc -> processes.add(pc.podman()));
        state.services().forEach(service -> processes.add(service.process()));
        int stopped = 0;
        for (ClusterState.Proc process : processes) {
            Optional<ProcessHandle> handle = process == null ? Optional.empty() : process.handle();
            if (handle.isPresent()) {
                stop(handle.get());
                stopped++;
            }
        }
        if (stopped > 0) {
            say.accept("stopped " + stopped + " process(es) left running");
        }
        for (ClusterState.Pc pc : state.pcs()) {
            if (pc.home() != null && Files.isDirectory(Path.of(pc.home()))) {
                SimulatedPc.removeLeftover(pc.name(), Path.of(pc.home()), Path.of(pc.fastDir()));
                say.accept("removed what was left of " + pc.name());
            }
        }
        if (state.postgresDir() != null && Files.isDirectory(Path.of(state.postgresDir()))) {
            LocalPostgres.stopLeftover(Path.of(state.postgresDir()));
            say.accept("stopped the local PostgreSQL");
        }
    }

    static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
