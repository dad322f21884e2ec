package dev.upc.scheduler.client;

import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRevocation;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Where the planner learns which workers exist and how they are: the registry, or a fixed list in tests. */
public interface WorkerDirectory {

    /** Every registered worker with its liveness, facts and latest report; fails if the directory cannot answer. */
    Uni<List<WorkerInfo>> workers();

    /** Whether the directory answers at all: a cheap call (one worker), for readiness. */
    Uni<Void> reachable();

    /** Every worker an admin removed or revoked: their tokens are no good; fails if the directory cannot answer. */
    Uni<List<WorkerRevocation>> revocations();
}
