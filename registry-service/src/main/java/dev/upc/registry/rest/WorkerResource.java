package dev.upc.registry.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.Paging;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import dev.upc.registry.service.HeartbeatService;
import dev.upc.registry.service.InvalidRequestException;
import dev.upc.registry.service.RegistryTokens;
import dev.upc.registry.service.WorkerRevocations;
import dev.upc.registry.service.WorkerService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The registry's v1 API: registration (join token), heartbeats (worker token), admin verbs (admin token). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workers")
@SecurityRequirement(name = "bearer")
public class WorkerResource {

    private final WorkerService workers;
    private final WorkerRevocations revocations;
    private final HeartbeatService heartbeats;

    WorkerResource(WorkerService workers, WorkerRevocations revocations, HeartbeatService heartbeats) {
        this.workers = workers;
        this.revocations = revocations;
        this.heartbeats = heartbeats;
    }

    @POST
    @Path(ApiPaths.WORKERS)
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll
    @JoinTokenRequired
    @Operation(summary = "Enrol a PC with the cluster join token (the answer carries its own credential, once); "
            + "registering it again keeps its id and needs that credential")
    public Uni<WorkerRegistered> register(@Valid @NotNull WorkerRegistration registration,
                                          @HeaderParam(ApiPaths.WORKER_CREDENTIAL_HEADER) String credential) {
        return workers.register(registration, credential);
    }

    @PUT
    @Path(ApiPaths.WORKER_HEARTBEAT)
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(RegistryTokens.WORKER)
    @Operation(summary = "Report the worker's state (its own token only: HeartbeatSelfFilter); answers the desired state")
    public Uni<HeartbeatReply> heartbeat(@PathParam("workerId") String workerId, @Valid @NotNull Heartbeat heartbeat) {
        return heartbeats.record(workerId, heartbeat);
    }

    @GET
    @Path(ApiPaths.WORKERS)
    @RolesAllowed({RegistryTokens.ADMIN, RegistryTokens.SERVICE})
    @Operation(summary = "List workers by hostname, then id, a page at a time (pass nextCursor as cursor for the next);"
            + " optionally only those with a status and all the given labels (key or key=value)")
    public Uni<WorkerList> list(@QueryParam("status") String status, @QueryParam("label") List<String> labels,
                                @Parameter(description = "workers per page, at most " + Paging.MAX_LIMIT)
                                @QueryParam(Paging.LIMIT) @DefaultValue("" + Paging.DEFAULT_LIMIT) @Min(1)
                                @Max(Paging.MAX_LIMIT) int limit,
                                @Parameter(description = "the previous page's nextCursor; none for the first page;"
                                        + " one the registry did not hand out is 400 invalid_cursor")
                                @QueryParam(Paging.CURSOR) String cursor) {
        return workers.list(parseStatus(status), labels, limit, Optional.ofNullable(cursor).filter(c -> !c.isEmpty()))
                .map(page -> new WorkerList(page.items(), page.nextCursor()));
    }

    @GET
    @Path(ApiPaths.WORKER)
    @RolesAllowed(RegistryTokens.ADMIN)
    @Operation(summary = "One worker with its status, facts and latest report")
    public Uni<WorkerInfo> get(@PathParam("workerId") String workerId) {
        return workers.get(workerId);
    }

    @POST
    @Path(ApiPaths.WORKER_DRAIN)
    @RolesAllowed(RegistryTokens.ADMIN)
    @Operation(summary = "Drain a worker: its heartbeats answer DRAIN from now on")
    public Uni<WorkerInfo> drain(@PathParam("workerId") String workerId) {
        return workers.drain(workerId);
    }

    @POST
    @Path(ApiPaths.WORKER_APPROVE)
    @RolesAllowed(RegistryTokens.ADMIN)
    @Operation(summary = "Approve a newly enrolled PC (when the registry asks for approval): it gets work from its "
            + "next heartbeat on")
    public Uni<WorkerInfo> approve(@PathParam("workerId") String workerId) {
        return workers.approve(workerId);
    }

    @POST
    @Path(ApiPaths.WORKER_UNDRAIN)
    @RolesAllowed(RegistryTokens.ADMIN)
    @Operation(summary = "Take a drain back: the worker's heartbeats answer ACTIVE again")
    public Uni<WorkerInfo> undrain(@PathParam("workerId") String workerId) {
        return workers.undrain(workerId);
    }

    @DELETE
    @Path(ApiPaths.WORKER)
    @RolesAllowed(RegistryTokens.ADMIN)
    @Operation(summary = "Remove a worker and revoke its tokens (idempotent); its PC may enrol again as a new worker")
    public Uni<RestResponse<Void>> remove(@PathParam("workerId") String workerId) {
        return revocations.remove(workerId, false).replaceWith(RestResponse.noContent());
    }

    private static Optional<WorkerStatus> parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(WorkerStatus.valueOf(status.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status", "status is one of ONLINE, SUSPECT, LOST (got '" + status + "')");
        }
    }
}
