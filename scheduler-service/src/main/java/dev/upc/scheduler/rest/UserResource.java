package dev.upc.scheduler.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.Paging;
import dev.upc.protocol.TokenRequest;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserList;
import dev.upc.protocol.UserRequest;
import dev.upc.protocol.UserToken;
import dev.upc.scheduler.service.UserService;
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
import java.time.Duration;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The cluster's users (admins only): each gets a token of its own, revocable at once. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "users")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Tokens.ADMIN)
public class UserResource {

    private final UserService users;
    private final JsonWebToken caller;

    UserResource(UserService users, JsonWebToken caller) {
        this.users = users;
        this.caller = caller;
    }

    @POST
    @Path(ApiPaths.USERS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a user (or bring back a revoked one) and mint its token; the token is shown only here")
    public Uni<RestResponse<UserToken>> add(@Valid @NotNull UserRequest request) {
        return users.add(request.name(), ttl(request.ttlSeconds()), caller.getSubject())
                .map(token -> RestResponse.ResponseBuilder.<UserToken>created(
                        URI.create(ApiPaths.USERS + "/" + token.user().name())).entity(token).build());
    }

    @POST
    @Path(ApiPaths.USER_TOKENS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mint another token for a user (the body is optional)")
    public Uni<RestResponse<UserToken>> token(@PathParam("name") String name, @Valid TokenRequest request) {
        return users.newToken(name, ttl(request == null ? null : request.ttlSeconds()), caller.getSubject())
                .map(token -> RestResponse.ResponseBuilder.<UserToken>created(
                        URI.create(ApiPaths.USERS + "/" + name)).entity(token).build());
    }

    @GET
    @Path(ApiPaths.USERS)
    @Operation(summary = "List users by name")
    public Uni<UserList> list(@QueryParam(Paging.LIMIT) @DefaultValue("100") @Min(1) @Max(Paging.MAX_LIMIT) int limit,
                              @QueryParam(Paging.CURSOR) String cursor) {
        return users.list(limit, cursor == null || cursor.isBlank() ? null : cursor);
    }

    @DELETE
    @Path(ApiPaths.USER)
    @Operation(summary = "Revoke a user: every token it holds stops working; its jobs stay")
    public Uni<UserInfo> revoke(@PathParam("name") String name) {
        return users.revoke(name);
    }

    private static Duration ttl(Long seconds) {
        return seconds == null ? Tokens.USER_DEFAULT_LIFETIME : Duration.ofSeconds(seconds);
    }
}
