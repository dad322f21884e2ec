package dev.upc.servicehttp;

import dev.upc.protocol.Tokens;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Says which check a refused bearer token failed, from the failure SmallRye JWT (jose4j underneath) or
 * {@link TokenRules} reports, so a 401 tells the client what to fix. Never echoes the token.
 */
public final class TokenFailures {

    /** The error code of a token that is authentic but breaks the token model ({@link TokenRules}). */
    public static final String INVALID_TOKEN = "invalid_token";
    /** The error code of a token that is missing, forged, expired, or not for this service. */
    public static final String UNAUTHORIZED = "unauthorized";

    private TokenFailures() {
    }

    /** Why a token was refused: {@link #INVALID_TOKEN} or {@link #UNAUTHORIZED}, and a message naming the check. */
    public record Refusal(String error, String message) {
    }

    /**
     * @param failure   what authentication failed with; its causes are searched
     * @param audiences what this service accepts in {@code aud} ({@code mp.jwt.verify.audiences}), for the message
     */
    public static Refusal describe(Throwable failure, Collection<String> audiences) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        for (Throwable cause : chain) {
            if (cause instanceof InvalidTokenException rule) {
                return new Refusal(INVALID_TOKEN, rule.getMessage());
            }
        }
        // jose4j wraps a key it could not find in an InvalidJwtException of no particular code: look for it first.
        for (Throwable cause : chain) {
            if (cause instanceof UnresolvableKeyException) {
                return new Refusal(UNAUTHORIZED,
                        "the token is not signed by a key this service knows (its kid names none of them)");
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof InvalidJwtException jwt) {
                return describe(jwt, audiences);
            }
        }
        return new Refusal(UNAUTHORIZED, "the bearer token is not a valid JWT signed by this cluster");
    }

    private static Refusal describe(InvalidJwtException jwt, Collection<String> audiences) {
        String expected = audiences.isEmpty() ? "this service" : String.join(" or ", audiences);
        if (jwt.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || jwt.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return new Refusal(UNAUTHORIZED, "the token's signature does not verify with this cluster's key");
        }
        if (jwt.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING) || jwt.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return new Refusal(INVALID_TOKEN, "a token must carry iat (issued at) and exp (expires at); this one has no "
                    + (jwt.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING) ? "iat" : "exp"));
        }
        if (jwt.hasExpired()) {
            return new Refusal(UNAUTHORIZED, "the token has expired");
        }
        if (jwt.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return new Refusal(UNAUTHORIZED,
                    "the token names no audience (aud); this service accepts only tokens for " + expected);
        }
        if (jwt.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return new Refusal(UNAUTHORIZED, "the token is not for " + expected + ": its aud does not name it");
        }
        if (jwt.hasErrorCode(ErrorCodes.ISSUER_MISSING) || jwt.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            return new Refusal(UNAUTHORIZED, "the token's issuer (iss) is not " + Tokens.ISSUER);
        }
        if (jwt.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return new Refusal(UNAUTHORIZED, "the token is not valid yet (nbf)");
        }
        return new Refusal(UNAUTHORIZED, "the bearer token is not a valid JWT signed by this cluster");
    }
}
