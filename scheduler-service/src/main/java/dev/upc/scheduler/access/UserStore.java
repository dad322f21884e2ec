package dev.upc.scheduler.access;

import dev.upc.protocol.UserInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The users table and the tokens minted for them. */
@ApplicationScoped
public class UserStore {

    /** Adds the user, or brings back a revoked one; null when an active user has the name. */
    public Uni<UserInfo> add(SqlClient c, String name, String by, Instant now) {
        return c.preparedQuery("""
                        INSERT INTO users (name, created_at, created_by) VALUES ($1, $2, $3)
                        ON CONFLICT (name) DO UPDATE SET created_at = $2, created_by = $3, revoked_at = NULL
                         WHERE users.revoked_at IS NOT NULL
                        RETURNING *""")
                .execute(Tuple.of(name, time(now), by))
                .map(rows -> rows.size() == 0 ? null : toUser(rows.iterator().next()));
    }

    public Uni<UserInfo> find(SqlClient c, String name) {
        return c.preparedQuery("SELECT * FROM users WHERE name = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : toUser(rows.iterator().next()));
    }

    /** Users by name after {@code after} (exclusive, null = from the start), at most {@code limit}. */
    public Uni<List<UserInfo>> list(SqlClient c, String after, int limit) {
        return c.preparedQuery("SELECT * FROM users WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2")
                .execute(Tuple.of(after, limit)).map(rows -> {
                    List<UserInfo> users = new ArrayList<>();
                    rows.forEach(row -> users.add(toUser(row)));
                    return users;
                });
    }

    public Uni<Void> token(SqlClient c, String jti, String user, Instant issuedAt, Instant expiresAt, String by) {
        return c.preparedQuery("""
                        INSERT INTO user_tokens (jti, user_name, issued_at, expires_at, issued_by)
                        VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(jti, user, time(issuedAt), time(expiresAt), by)).replaceWithVoid();
    }

    /** Revokes the user and every token it holds; null when there is no such user. */
    public Uni<UserInfo> revoke(SqlClient c, String name, Instant now) {
        return c.preparedQuery("UPDATE user_tokens SET revoked_at = $2 WHERE user_name = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(name, time(now)))
                .chain(() -> c.preparedQuery("""
                                UPDATE users SET revoked_at = coalesce(revoked_at, $2) WHERE name = $1 RETURNING *""")
                        .execute(Tuple.of(name, time(now))))
                .map(rows -> rows.size() == 0 ? null : toUser(rows.iterator().next()));
    }

    /** Whether the token is one the scheduler minted for {@code user} and neither it nor the user was revoked. */
    public Uni<Boolean> tokenValid(SqlClient c, String jti, String user) {
        return c.preparedQuery("""
                        SELECT 1 FROM user_tokens t JOIN users u ON u.name = t.user_name
                         WHERE t.jti = $1 AND t.user_name = $2 AND t.revoked_at IS NULL AND u.revoked_at IS NULL""")
                .execute(Tuple.of(jti, user)).map(rows -> rows.size() > 0);
    }

    public Uni<Void> deleteAll(SqlClient c) {
        return c.query("TRUNCATE users, user_tokens").execute().replaceWithVoid();
    }

    private static UserInfo toUser(Row row) {
        return new UserInfo(row.getString("name"), instant(row, "created_at"), row.getString("created_by"),
                instant(row, "revoked_at"));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
