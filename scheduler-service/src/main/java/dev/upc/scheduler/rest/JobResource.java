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
import dev.upc.protocol.JobLogEntry;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.logs.JobLogs;
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.common.util.RestMediaType;
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
    private final JobLogs logs;
    private final JsonWebToken caller;

    JobResource(JobService jobs, JobLogs logs, JsonWebToken caller) {
        this.jobs = jobs;
        this.logs = logs;
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

    @GET
    @Path(ApiPaths.JOB_LOGS)
    @Produces(RestMediaType.APPLICATION_NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The job's log, all placements stitched in order, one JSON entry per line; with follow=true "
            + "new entries stream until the job is over")
    public Multi<JobLogEntry> logs(@PathParam("jobId") String jobId, @QueryParam("follow") boolean follow) {
        return logs.read(Caller.of(caller), jobId, follow);
    }

    @GET
    @Path(ApiPaths.JOB_LOGS)
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The job's log as plain text (UPC's remarks prefixed with [upc])")
    public Multi<String> logsText(@PathParam("jobId") String jobId, @QueryParam("follow") boolean follow) {
        return logs.read(Caller.of(caller), jobId, follow).map(JobLogs::text);
    }

    @GET
    @Path(ApiPaths.JOB_OUTPUT)
    @Produces("application/x-tar")
    @Operation(summary = "The job's output: a tar of its outputPath as it was when the job exited")
    public RestMulti<io.vertx.core.buffer.Buffer> output(@PathParam("jobId") String jobId) {
        return RestMulti.fromUniResponse(jobs.output(Caller.of(caller), jobId),
                download -> download.body().map(io.vertx.mutiny.core.buffer.Buffer::getDelegate),
                download -> download.size() < 0 ? java.util.Map.of()
                        : java.util.Map.of("Content-Length", java.util.List.of(Long.toString(download.size()))));
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
