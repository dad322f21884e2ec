package dev.upc.servicehttp;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Applies {@link TokenRules} to every identity SmallRye JWT authenticates, so no endpoint of a service can forget
 * it: a token that breaks the rule fails authentication (an {@link AuthenticationFailedException} caused by an
 * {@link InvalidTokenException}: 401 {@code invalid_token}). Anonymous requests and identities that are not JWTs
 * pass untouched.
 */
@ApplicationScoped
public class TokenRulesAugmentor implements SecurityIdentityAugmentor {

    private final Clock clock;

    TokenRulesAugmentor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        try {
            TokenRules.check(token, clock.instant());
        } catch (InvalidTokenException e) {
            // Quarkus' own type, so its security layer treats it as a failed authentication and passes it on as is.
            return Uni.createFrom().failure(new AuthenticationFailedException(e.getMessage(), e));
        }
        return Uni.createFrom().item(identity);
    }
}
