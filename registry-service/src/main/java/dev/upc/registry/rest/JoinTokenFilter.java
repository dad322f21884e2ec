package dev.upc.registry.rest;

import dev.upc.registry.service.JoinToken;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/** Refuses a registration without the join token before its body is parsed (401 first, then 400). */
@Provider
@JoinTokenRequired
@Priority(Priorities.AUTHENTICATION)
public class JoinTokenFilter implements ContainerRequestFilter {

    private final JoinToken joinToken;

    JoinTokenFilter(JoinToken joinToken) {
        this.joinToken = joinToken;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        joinToken.check(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    }
}
