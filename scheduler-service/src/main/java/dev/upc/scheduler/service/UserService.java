package dev.upc.scheduler.service;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserList;
import dev.upc.protocol.UserToken;
import dev.upc.scheduler.access.RevokedTokens;
import dev.upc.scheduler.access.UserStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The users of the cluster (admins only): add one and mint its token, mint another, list, revoke. */
@ApplicationScoped
public class UserService {

    private final Pool pool;
    private final UserStore store;
    private final UserTokens tokens;
    private final RevokedTokens revoked;
    private final Clock clock;

    UserService(Pool pool, UserStore store, UserTokens tokens, RevokedTokens revoked, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.tokens = tokens;
        this.revoked = revoked;
        this.clock = clock;
    }

    public Uni<UserToken> add(String name, Duration ttl, String admin) {
        requireAllowedName(name);
        return pool.withTransaction(c -> store.add(c, name, admin, clock.instant()).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(SchedulerException.conflict("user_exists", "user " + name
                        + " exists; mint another token with POST /api/v1/users/" + name + "/tokens, or revoke it"));
            }
            return mint(c, user, ttl, admin);
        }));
    }

    public Uni<UserToken> newToken(String name, Duration ttl, String admin) {
        return pool.withTransaction(c -> store.find(c, name).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(SchedulerException.userNotFound(name));
            }
            if (user.revokedAt() != null) {
                return Uni.createFrom().failure(SchedulerException.conflict("user_revoked", "user " + name
                        + " was revoked; add it again to let it back in"));
            }
            return mint(c, user, ttl, admin);
        }));
    }

    public Uni<UserList> list(int limit, String cursor) {
        String after = cursor == null ? null : NameCursor.decode(cursor);
        return store.list(pool, after, limit + 1).map(users -> {
            List<UserInfo> page = users.size() > limit ? users.subList(0, limit) : users;
            String next = users.size() > limit ? NameCursor.encode(page.get(page.size() - 1).name()) : null;
            return new UserList(page, next);
        });
    }

    public Uni<UserInfo> revoke(String name) {
        return pool.withTransaction(c -> store.revoke(c, name, clock.instant())).map(user -> {
            if (user == null) {
                throw SchedulerException.userNotFound(name);
            }
            revoked.revokedUser(name);
            return user;
        });
    }

    private Uni<UserToken> mint(io.vertx.mutiny.sqlclient.SqlConnection c, UserInfo user, Duration ttl, String admin) {
        UserTokens.Minted minted = tokens.mint(user.name(), ttl, clock.instant());
        return store.token(c, minted.jti(), user.name(), minted.issuedAt(), minted.expiresAt(), admin)
                .replaceWith(new UserToken(user, minted.token(), minted.expiresAt()));
    }

    private static void requireAllowedName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals(Tokens.ADMIN) || lower.startsWith("upc") || lower.equals("root")) {
            throw SchedulerException.invalid("name", "'" + name + "' is reserved; choose another user name");
        }
    }
}
