package dev.upc.scheduler.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationRequest;
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
@RolesAllowed({Roles.ADMIN, Roles.USER})
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
    @Operation(summary = "Submit a job; it is queued and placed where it finishes earliest")
    public Uni<RestResponse<JobInfo>> submit(@Valid @NotNull JobSubmission submission) {
        return jobs.submit(submission, caller.getSubject())
                .map(job -> RestResponse.ResponseBuilder.<JobInfo>created(URI.create(ApiPaths.JOBS + "/" + job.id()))
                        .entity(job).build());
    }

    @GET
    @Path(ApiPaths.JOBS)
    @Operation(summary = "List jobs, newest first, optionally only those in one state")
    public Uni<JobList> list(@QueryParam("state") String state,
                             @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(10000) int limit) {
        return jobs.list(parseState(state), limit).map(list -> new JobList(list, null));
    }

    @GET
    @Path(ApiPaths.JOB)
    @Operation(summary = "One job")
    public Uni<JobInfo> get(@PathParam("jobId") String jobId) {
        return jobs.get(jobId);
    }

    @GET
    @Path(ApiPaths.JOB_EVENTS)
    @Operation(summary = "The job's history: placements, checkpoints, migrations with timings, exit")
    public Uni<JobEventList> events(@PathParam("jobId") String jobId) {
        return jobs.events(jobId);
    }

    @DELETE
    @Path(ApiPaths.JOB)
    @Operation(summary = "Cancel a job: a queued one at once, a placed one after a KILL of its container")
    public Uni<JobInfo> cancel(@PathParam("jobId") String jobId) {
        return jobs.cancel(jobId);
    }

    @POST
    @Path(ApiPaths.JOB_MIGRATE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move a running job to a worker (or the fastest free compatible one): checkpoint, restore, clean up")
    public Uni<JobInfo> migrate(@PathParam("jobId") String jobId, @Valid MigrationRequest request) {
        return jobs.migrate(jobId, Optional.ofNullable(request).map(MigrationRequest::targetWorkerId));
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
