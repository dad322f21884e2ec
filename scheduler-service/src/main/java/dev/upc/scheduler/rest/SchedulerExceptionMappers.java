package dev.upc.scheduler.rest;

import dev.upc.protocol.ErrorResponse;
import dev.upc.scheduler.job.JobConflictException;
import dev.upc.scheduler.service.SchedulerException;
import dev.upc.servicehttp.ErrorResponses;
import dev.upc.servicehttp.ProtocolErrorMappers;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The scheduler's own refusals as {@link ErrorResponse}s; everything else is {@link ProtocolErrorMappers}'. */
public class SchedulerExceptionMappers {

    private static final Logger LOG = Logger.getLogger(SchedulerExceptionMappers.class);

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> refused(SchedulerException e) {
        if (e.status() >= 500) {
            LOG.warn(e.getMessage());
        }
        List<ErrorResponse.FieldError> details = e.field() == null ? List.of()
                : List.of(new ErrorResponse.FieldError(e.field(), e.getMessage()));
        RestResponse<ErrorResponse> response = ErrorResponses.of(new ErrorResponse(e.status(), e.code(),
                e.getMessage(), details));
        return e.retryAfterSeconds() <= 0 ? response
                : RestResponse.ResponseBuilder.create(response.getStatusInfo(), response.getEntity())
                        .type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> conflict(JobConflictException e) {
        return ErrorResponses.of(ErrorResponse.of(409, e.code(), e.getMessage()));
    }
}
