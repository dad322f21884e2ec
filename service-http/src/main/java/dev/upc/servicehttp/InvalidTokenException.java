package dev.upc.servicehttp;

/**
 * A token that verified (signature, issuer, audience, expiry) but breaks the token model of {@link TokenRules}, e.g.
 * one that lives longer than its kind may: 401 {@code invalid_token}, with the message naming the rule. The
 * services' authentication reports it as the cause of an {@code AuthenticationFailedException}.
 */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String message) {
        super(message);
    }
}
