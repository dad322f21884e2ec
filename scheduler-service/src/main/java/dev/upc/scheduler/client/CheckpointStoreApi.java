package dev.upc.scheduler.client;

import dev.upc.protocol.ApiPaths;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** The store's blob API as the scheduler calls it (delete only); wrapped by {@link CheckpointStoreClient}. */
@Path(ApiPaths.BLOB)
interface CheckpointStoreApi {

    @DELETE
    Uni<Void> delete(@HeaderParam("Authorization") String authorization, @PathParam("kind") String kind,
                     @PathParam("id") String id);
}
