package dev.upc.registry.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.Paging;
import dev.upc.protocol.WorkerRevocationList;
import dev.upc.registry.service.InvalidRequestException;
import dev.upc.registry.service.RegistryTokens;
import dev.upc.registry.service.WorkerNotFoundException;
import dev.upc.registry.service.WorkerRevocations;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The admin's revocations: a PC that must not take part any more, and the list the scheduler refuses tokens by. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workers")
@SecurityRequirement(name = "bearer")
@RolesAllowed(RegistryTokens.ADMIN)
public class RevocationResource {

    private final WorkerRevocations revocations;

    RevocationResource(WorkerRevocations revocations) {
        this.revocations = revocations;
    }

    @POST
    @Path(ApiPaths.WORKER_REVOKE)
    @Operation(summary = "Revoke a worker: removed, its tokens refused everywhere, its PC refused enrolment until "
            + "unbanned")
    public Uni<RestResponse<Void>> revoke(@PathParam("workerId") String workerId) {
        return revocations.remove(workerId, true).map(existed -> {
            if (!existed) {
                throw new WorkerNotFoundException(workerId);
            }
            return RestResponse.noContent();
        });
    }

    @GET
    @Path(ApiPaths.WORKER_REVOCATIONS)
    @RolesAllowed({RegistryTokens.ADMIN, RegistryTokens.SERVICE})
    @Operation(summary = "The removed or revoked workers, oldest first, a page at a time (pass nextCursor as cursor for"
            + " the next): their tokens are no good; with since (ISO-8601), those revoked since then (a verifier asks"
            + " for the last worker-token lifetime)")
    public Uni<WorkerRevocationList> list(@QueryParam("since") String since,
                                          @QueryParam(Paging.LIMIT) @DefaultValue("" + Paging.DEFAULT_LIMIT) @Min(1)
                                          @Max(Paging.MAX_LIMIT) int limit,
                                          @QueryParam(Paging.CURSOR) String cursor) {
        Optional<Instant> from;
        try {
            from = since == null || since.isBlank() ? Optional.empty() : Optional.of(Instant.parse(since));
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("since", "since must be an ISO-8601 instant, e.g. "
                    + "2026-12-06T10:00:00Z, was '" + since + "'");
        }
        return revocations.revocations(from, limit, Optional.ofNullable(cursor).filter(c -> !c.isEmpty()))
                .map(page -> new WorkerRevocationList(page.items(), page.nextCursor()));
    }

    @DELETE
    @Path(ApiPaths.WORKER_REVOCATION)
    @Operation(summary = "Lift a revoked PC's ban: it may enrol again, as a new worker (idempotent)")
    public Uni<RestResponse<Void>> unban(@PathParam("workerId") String workerId) {
        return revocations.unban(workerId).replaceWith(RestResponse.noContent());
    }
}
