package dev.upc.scheduler.rest;

import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.OwnerReport;
import dev.upc.scheduler.owner.OwnerReports;
import jakarta.ws.rs.PUT;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.scheduler.logs.JobLogs;
import dev.upc.protocol.Tokens;
import dev.upc.scheduler.service.AgentChannel;
import dev.upc.scheduler.service.BlobGrants;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The agents' command channel (the worker's own token only: {@link WorkerSelfFilter}). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agents")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Tokens.WORKER)
public class AgentResource {

    private final AgentChannel channel;
    private final BlobGrants grants;
    private final JobLogs logs;
    private final OwnerReports owners;

    AgentResource(AgentChannel channel, BlobGrants grants, JobLogs logs, OwnerReports owners) {
        this.channel = channel;
        this.owners = owners;
        this.grants = grants;
        this.logs = logs;
    }

    @GET
    @Path(ApiPaths.AGENT_COMMANDS)
    @Operation(summary = "Long poll: the worker's unacknowledged commands at once, else the first within waitSeconds;"
            + " with placements=true also the jobs the scheduler places on the worker now")
    public Uni<AgentCommands> commands(@PathParam("workerId") String workerId,
                                       @QueryParam("waitSeconds") @DefaultValue("25") @Min(0) @Max(60) int waitSeconds,
                                       @QueryParam("placements") @DefaultValue("false") boolean placements) {
        Uni<List<AgentCommands.Placement>> placed = placements ? channel.placements(workerId)
                : Uni.createFrom().nullItem();
        return placed.chain(known -> channel.poll(workerId, Duration.ofSeconds(waitSeconds))
                .map(commands -> new AgentCommands(commands, known)));
    }

    @POST
    @Path(ApiPaths.AGENT_EVENTS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report what became of a command; idempotent by (commandId, type)")
    public Uni<AgentEventReply> events(@PathParam("workerId") String workerId, @Valid @NotNull AgentEvent event) {
        return channel.report(workerId, event);
    }

    @PUT
    @Path(ApiPaths.AGENT_OWNER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The PC's owner came back or left, and the jobs its agent holds suspended; the newest wins")
    public Uni<Void> owner(@PathParam("workerId") String workerId, @Valid @NotNull OwnerReport report) {
        return owners.apply(workerId, report);
    }

    @POST
    @Path(ApiPaths.AGENT_BLOB_TOKENS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A store capability for the image of a job on this worker (read) or its output/log (write)")
    public Uni<BlobToken> blobTokens(@PathParam("workerId") String workerId, @Valid @NotNull BlobTokenRequest request) {
        return grants.grant(workerId, request);
    }

    @POST
    @Path(ApiPaths.AGENT_LOGS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Lines a job's container printed (this worker's containers only); idempotent by line number")
    public Uni<JobLogAck> logs(@PathParam("workerId") String workerId, @Valid @NotNull JobLogChunk chunk) {
        return logs.append(workerId, chunk);
    }
}
