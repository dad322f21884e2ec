package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/users}: users by name (see {@link Paging}).
 *
 * @param users      one page of users
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record UserList(List<UserInfo> users, String nextCursor) {

    public UserList {
        users = users == null ? List.of() : List.copyOf(users);
    }
}
