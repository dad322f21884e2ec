package dev.upc.scheduler.access;

import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.InvalidTokenException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses user tokens the scheduler did not mint or that were revoked ({@code upc users revoke}): a signature alone
 * does not make a user token valid. Other kinds of token pass through untouched.
 */
@ApplicationScoped
public class UserTokenCheck implements SecurityIdentityAugmentor {

    private final RevokedTokens tokens;

    UserTokenCheck(RevokedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || !identity.getRoles().contains(Tokens.USER) || identity.getRoles().contains(Tokens.ADMIN)) {
            return Uni.createFrom().item(identity);
        }
        return tokens.valid(jwt.getTokenID(), jwt.getSubject()).map(valid -> {
            if (!valid) {
                // The cause carries the message to the client (an InvalidTokenException's is shown as it is).
                throw new AuthenticationFailedException(new InvalidTokenException("this user token was revoked, or "
                        + "was not issued by this cluster's scheduler: ask an admin for a new one"));
            }
            return identity;
        });
    }
}
