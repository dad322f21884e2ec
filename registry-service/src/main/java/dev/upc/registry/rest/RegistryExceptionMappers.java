package dev.upc.registry.rest;

import static dev.upc.servicehttp.ErrorResponses.withBearerChallenge;

import dev.upc.protocol.ErrorResponse;
import dev.upc.registry.service.InvalidJoinTokenException;
import dev.upc.registry.service.InvalidRequestException;
import dev.upc.registry.service.MachineBannedException;
import dev.upc.registry.service.NotApprovedException;
import dev.upc.registry.service.MachineEnrolledException;
import dev.upc.registry.service.NotYourWorkerException;
import dev.upc.registry.service.WorkerNotFoundException;
import dev.upc.servicehttp.ErrorResponses;
import dev.upc.servicehttp.ProtocolErrorMappers;
import java.util.List;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The registry's own refusals as {@link ErrorResponse}s; everything else is {@link ProtocolErrorMappers}'. */
public class RegistryExceptionMappers {

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> workerNotFound(WorkerNotFoundException e) {
        return ErrorResponses.of(404, "worker_not_found", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> invalidJoinToken(InvalidJoinTokenException e) {
        return withBearerChallenge(ErrorResponses.of(401, "invalid_join_token", e.getMessage()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> notYourWorker(NotYourWorkerException e) {
        return ErrorResponses.of(403, "forbidden", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> machineEnrolled(MachineEnrolledException e) {
        return ErrorResponses.of(409, "machine_enrolled", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> notApproved(NotApprovedException e) {
        return ErrorResponses.of(409, "not_approved", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> machineBanned(MachineBannedException e) {
        return ErrorResponses.of(403, "machine_revoked", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> invalidRequest(InvalidRequestException e) {
        return ErrorResponses.of(new ErrorResponse(400, "invalid_request", e.getMessage(),
                List.of(new ErrorResponse.FieldError(e.field(), e.getMessage()))));
    }
}
