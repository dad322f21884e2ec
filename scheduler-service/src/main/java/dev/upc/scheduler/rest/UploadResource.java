package dev.upc.scheduler.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageList;
import dev.upc.protocol.ImageReference;
import dev.upc.protocol.InputUploadRequest;
import dev.upc.protocol.Paging;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.UploadGrant;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.service.Uploads;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Job images and input files: grants to put them into the store, and the images there. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "uploads")
@SecurityRequirement(name = "bearer")
@RolesAllowed({Tokens.ADMIN, Tokens.USER})
public class UploadResource {

    private final Uploads uploads;
    private final JsonWebToken caller;

    UploadResource(Uploads uploads, JsonWebToken caller) {
        this.uploads = uploads;
        this.caller = caller;
    }

    @POST
    @Path(ApiPaths.IMAGE_UPLOADS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A grant to PUT an image's docker-archive into the store (users: only [host/]<user>/NAME)")
    public Uni<UploadGrant> imageUpload(@Valid @NotNull ImageReference image) {
        return uploads.imageUpload(Caller.of(caller), image.reference());
    }

    @POST
    @Path(ApiPaths.IMAGES)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record an image whose archive was uploaded; jobs may then use it")
    public Uni<RestResponse<ImageInfo>> record(@Valid @NotNull ImageReference image) {
        return uploads.recordImage(Caller.of(caller), image.reference())
                .map(info -> RestResponse.ResponseBuilder.<ImageInfo>create(RestResponse.Status.CREATED)
                        .entity(info).build());
    }

    @GET
    @Path(ApiPaths.IMAGES)
    @Operation(summary = "The images in the store, by reference")
    public Uni<ImageList> images(@QueryParam(Paging.LIMIT) @DefaultValue("100") @Min(1) @Max(Paging.MAX_LIMIT) int limit,
                                 @QueryParam(Paging.CURSOR) String cursor) {
        return uploads.images(limit, cursor == null || cursor.isBlank() ? null : cursor);
    }

    @POST
    @Path(ApiPaths.INPUT_UPLOADS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A grant to PUT a job's input file into the store, unless the same content is there already")
    public Uni<UploadGrant> inputUpload(@Valid @NotNull InputUploadRequest input) {
        return uploads.inputUpload(Caller.of(caller), input.sha256());
    }
}
