package dev.upc.cli.render;

import dev.upc.protocol.UserInfo;
import java.time.Instant;
import java.util.List;

/** The table of {@code upc users list}. */
public final class UserTable {

    private UserTable() {
    }

    public static Table of(List<UserInfo> users, Instant now) {
        Table table = Table.withColumns("NAME", "STATE", "CREATED", "BY").alignRight("CREATED");
        for (UserInfo user : users) {
            table.row(user.name(), user.revokedAt() == null ? "active" : "revoked " + RelativeTime.ago(
                    user.revokedAt(), now) + " ago", RelativeTime.ago(user.createdAt(), now),
                    Cells.orNone(user.createdBy()));
        }
        return table;
    }
}
