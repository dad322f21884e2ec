package dev.upc.scheduler.client;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRevocationList;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry's admin reads, as the planner and the token checks call them; wrapped by {@link RegistryWorkerDirectory}. */
@RegisterRestClient(configKey = "registry")
@Produces(MediaType.APPLICATION_JSON)
interface RegistryApi {

    @GET
    @Path(ApiPaths.WORKERS)
    Uni<WorkerList> list(@HeaderParam("Authorization") String authorization, @QueryParam("limit") int limit,
                         @QueryParam("cursor") String cursor);

    @GET
    @Path(ApiPaths.WORKER_REVOCATIONS)
    Uni<WorkerRevocationList> revocations(@HeaderParam("Authorization") String authorization,
                                          @QueryParam("since") String since, @QueryParam("limit") int limit,
                                          @QueryParam("cursor") String cursor);
}
