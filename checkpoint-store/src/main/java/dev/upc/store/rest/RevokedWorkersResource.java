package dev.upc.store.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.RevokedWorkerIds;
import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.ErrorResponses;
import dev.upc.store.access.RevokedWorkers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/** The store's copy of the revoked workers ({@link RevokedWorkers}), which the scheduler keeps up to date. */
@Path(ApiPaths.STORE_REVOKED_WORKERS)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({BlobCapability.ADMIN_GROUP, Tokens.SERVICE})
public class RevokedWorkersResource {

    private static final Logger LOG = Logger.getLogger(RevokedWorkersResource.class);
    /** What the registry's worker ids look like, with room to change: nothing a header or a log line chokes on. */
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final RevokedWorkers revoked;

    RevokedWorkersResource(RevokedWorkers revoked) {
        this.revoked = revoked;
    }

    @GET
    public RevokedWorkerIds list() {
        return new RevokedWorkerIds(revoked.list());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public RestResponse<?> replace(RevokedWorkerIds body) {
        if (body == null || body.workerIds() == null) {
            return ErrorResponses.of(400, "invalid_revoked_workers", "send {\"workerIds\": [...]}");
        }
        if (body.workerIds().size() > RevokedWorkerIds.MAX) {
            return ErrorResponses.of(400, "invalid_revoked_workers",
                    "at most " + RevokedWorkerIds.MAX + " worker ids, not " + body.workerIds().size());
        }
        for (String id : body.workerIds()) {
            if (id == null || !WORKER_ID.matcher(id).matches()) {
                return ErrorResponses.of(400, "invalid_revoked_workers", "not a worker id: " + id);
            }
        }
        int before = revoked.size();
        revoked.replace(body.workerIds());
        if (body.workerIds().size() != before) {
            LOG.infof("revoked workers: %d (was %d); their capabilities are refused", body.workerIds().size(), before);
        }
        return RestResponse.noContent();
    }
}
