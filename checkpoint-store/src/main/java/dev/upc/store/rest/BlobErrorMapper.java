package dev.upc.store.rest;

import dev.upc.protocol.ErrorResponse;
import dev.upc.servicehttp.InvalidCursorException;
import dev.upc.store.access.AccessDeniedException;
import dev.upc.store.access.NotAuthenticatedException;
import dev.upc.store.blob.BlobConflictException;
import dev.upc.store.blob.BlobNotFoundException;
import dev.upc.store.blob.CorruptBlobException;
import dev.upc.store.blob.DigestMismatchException;
import dev.upc.store.blob.InsufficientStorageException;
import dev.upc.store.blob.InvalidRequestException;
import dev.upc.store.blob.UploadAbortedException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The one place that turns a failure into a status and an {@link ErrorResponse}. The blob API runs on Vert.x
 * routes (to stream bodies), so JAX-RS exception mappers never see its exceptions; everything goes here.
 */
@ApplicationScoped
public class BlobErrorMapper {

    private static final Logger LOG = Logger.getLogger(BlobErrorMapper.class);

    public ErrorResponse toErrorResponse(Throwable failure) {
        if (failure instanceof InvalidRequestException e) {
            return ErrorResponse.of(400, e.code(), e.getMessage());
        }
        if (failure instanceof InvalidCursorException e) {
            return ErrorResponse.of(400, "invalid_cursor", e.getMessage());
        }
        if (failure instanceof UploadAbortedException e) {
            return ErrorResponse.of(400, "upload_aborted", e.getMessage());
        }
        if (failure instanceof NotAuthenticatedException e) {
            return ErrorResponse.of(401, e.error(), e.getMessage());
        }
        if (failure instanceof AccessDeniedException e) {
            return ErrorResponse.of(403, "forbidden", e.getMessage());
        }
        if (failure instanceof BlobNotFoundException e) {
            return ErrorResponse.of(404, "no_such_blob", e.getMessage());
        }
        if (failure instanceof MethodNotAllowedException e) {
            return ErrorResponse.of(405, "method_not_allowed", e.getMessage());
        }
        if (failure instanceof BlobConflictException e) {
            return ErrorResponse.of(409, "blob_exists", e.getMessage());
        }
        if (failure instanceof UploadClaims.UploadInProgressException e) {
            return ErrorResponse.of(409, "upload_in_progress", e.getMessage());
        }
        if (failure instanceof BlobTooLargeException e) {
            return ErrorResponse.of(413, "blob_too_large", e.getMessage());
        }
        if (failure instanceof RangeNotSatisfiableException e) {
            return ErrorResponse.of(416, "range_not_satisfiable", e.getMessage());
        }
        if (failure instanceof DigestMismatchException e) {
            return ErrorResponse.of(422, "digest_mismatch", e.getMessage());
        }
        if (failure instanceof CorruptBlobException e) {
            return ErrorResponse.of(500, "blob_corrupt", e.getMessage());
        }
        if (failure instanceof StoreBusyException e) {
            return ErrorResponse.of(503, "store_busy", e.getMessage());
        }
        if (failure instanceof InsufficientStorageException e) {
            return ErrorResponse.of(507, "insufficient_storage", e.getMessage());
        }
        LOG.error("blob request failed", failure);
        return ErrorResponse.of(500, "internal_error",
                "the store failed: " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
}
