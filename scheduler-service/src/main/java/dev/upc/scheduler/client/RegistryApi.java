package dev.upc.scheduler.client;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.WorkerList;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry's admin list, as the planner calls it; wrapped by {@link RegistryWorkerDirectory}. */
@RegisterRestClient(configKey = "registry")
@Path(ApiPaths.WORKERS)
interface RegistryApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<WorkerList> list(@HeaderParam("Authorization") String authorization, @QueryParam("limit") int limit,
                         @QueryParam("cursor") String cursor);
}
