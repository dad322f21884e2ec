package dev.upc.scheduler.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationRequest;
import dev.upc.protocol.Paging;
import dev.upc.protocol.Tokens;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.service.JobService;
import dev.upc.scheduler.service.SchedulerException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The jobs API (admin or user tokens). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@SecurityRequirement(name = "bearer")
@RolesAllowed({Tokens.ADMIN, Tokens.USER})
public class JobResource {

    private final JobService jobs;
    private final JsonWebToken caller;

    JobResource(JobService jobs, JsonWebToken caller) {
        this.jobs = jobs;
        this.caller = caller;
    }

    @POST
    @Path(ApiPaths.JOBS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job; it is queued and placed where it finishes earliest. The caller owns it")
    public Uni<RestResponse<JobInfo>> submit(@Valid @NotNull JobSubmission submission) {
        return jobs.submit(Caller.of(caller), submission)
                .map(job -> RestResponse.ResponseBuilder.<JobInfo>created(URI.create(ApiPaths.JOBS + "/" + job.id()))
                        .entity(job).build());
    }

    @GET
    @Path(ApiPaths.JOBS)
    @Operation(summary = "List jobs newest first: the caller's own, one user's (owner=NAME) or everyone's (owner=*, "
            + "admins), optionally only those in one state")
    public Uni<JobList> list(@QueryParam("state") String state, @QueryParam("owner") String owner,
                             @QueryParam(Paging.LIMIT) @DefaultValue("100") @Min(1) @Max(Paging.MAX_LIMIT) int limit,
                             @QueryParam(Paging.CURSOR) String cursor) {
        return jobs.list(Caller.of(caller), Optional.ofNullable(owner).filter(o -> !o.isBlank()), parseState(state),
                limit, Optional.ofNullable(cursor).filter(c -> !c.isBlank()));
    }

    @GET
    @Path(ApiPaths.JOB)
    @Operation(summary = "One job (another user's is not found)")
    public Uni<JobInfo> get(@PathParam("jobId") String jobId) {
        return jobs.get(Caller.of(caller), jobId);
    }

    @GET
    @Path(ApiPaths.JOB_EVENTS)
    @Operation(summary = "The job's history, oldest first: placements, checkpoints, migrations with timings, exit")
    public Uni<JobEventList> events(@PathParam("jobId") String jobId,
                                    @QueryParam(Paging.LIMIT) @DefaultValue("1000") @Min(1) @Max(Paging.MAX_LIMIT) int limit,
                                    @QueryParam(Paging.CURSOR) String cursor) {
        return jobs.events(Caller.of(caller), jobId, limit, Optional.ofNullable(cursor).filter(c -> !c.isBlank()));
    }

    @DELETE
    @Path(ApiPaths.JOB)
    @Operation(summary = "Cancel a job: a queued one at once, a placed one after a KILL of its container")
    public Uni<JobInfo> cancel(@PathParam("jobId") String jobId) {
        return jobs.cancel(Caller.of(caller), jobId);
    }

    @POST
    @Path(ApiPaths.JOB_MIGRATE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move a running job to a PC (worker id or name), or where it finishes earliest: checkpoint, "
            + "restore, clean up")
    public Uni<JobInfo> migrate(@PathParam("jobId") String jobId, @Valid MigrationRequest request) {
        return jobs.migrate(Caller.of(caller), jobId, Optional.ofNullable(request).map(MigrationRequest::targetWorkerId));
    }

    private static Optional<JobState> parseState(String state) {
        if (state == null || state.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JobState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw SchedulerException.invalid("state", "state is one of QUEUED, PLACED, RUNNING, MIGRATING, SUCCEEDED, "
                    + "FAILED, CANCELLED (got '" + state + "')");
        }
    }
}
