package dev.upc.scheduler.rest;

import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.ClusterInfo;
import dev.upc.protocol.Identity;
import dev.upc.protocol.Tokens;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.config.SchedulerConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who am I, and where is the rest of the cluster: what a client asks first. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cluster")
@SecurityRequirement(name = "bearer")
@RolesAllowed({Tokens.ADMIN, Tokens.USER, Tokens.WORKER})
public class IdentityResource {

    private final JsonWebToken caller;
    private final SchedulerConfig config;
    private final String registryUrl;
    private final String version;

    IdentityResource(JsonWebToken caller, SchedulerConfig config,
                     @ConfigProperty(name = "quarkus.rest-client.registry.url") String registryUrl,
                     @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.caller = caller;
        this.config = config;
        this.registryUrl = registryUrl;
        this.version = version;
    }

    @GET
    @Path(ApiPaths.WHOAMI)
    @Operation(summary = "Who the bearer token speaks for, and until when")
    public Identity whoami() {
        Caller who = Caller.of(caller);
        return new Identity(who.name(), who.kind().label(), List.copyOf(caller.getGroups()),
                Instant.ofEpochSecond(caller.getExpirationTime()));
    }

    @GET
    @Path(ApiPaths.CLUSTER)
    @Operation(summary = "Where the worker registry and the checkpoint store are for clients")
    public ClusterInfo cluster() {
        return new ClusterInfo(version,
                config.publicUrls().registry().orElse(registryUrl),
                config.publicUrls().store().or(config::storeUrl).orElse(null));
    }
}
