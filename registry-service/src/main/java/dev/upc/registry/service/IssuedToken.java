package dev.upc.registry.service;

import java.time.Instant;

/** A signed bearer token and when it expires. */
public record IssuedToken(String token, Instant expiresAt) {
}
