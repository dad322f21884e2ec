package dev.upc.scheduler.service;

import dev.upc.protocol.Paging;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A position in a list ordered by a name (users, images): the last name of a page, opaque to clients. */
final class NameCursor {

    private NameCursor() {
    }

    static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            if (cursor.length() > Paging.MAX_CURSOR_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SchedulerException.invalidCursor();
        }
    }
}
