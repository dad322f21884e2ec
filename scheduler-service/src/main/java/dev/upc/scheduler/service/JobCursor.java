package dev.upc.scheduler.service;

import dev.upc.protocol.Paging;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A position in the jobs list (newest first): the submission time and id of the last job of a page. Opaque to clients
 * (base64url of {@code <epoch microseconds>:<id>}); a tampered one is refused, never misread.
 */
public record JobCursor(Instant submittedAt, String id) {

    public String encode() {
        long micros = submittedAt.getEpochSecond() * 1_000_000L + submittedAt.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static JobCursor decode(String cursor) {
        try {
            if (cursor.length() > Paging.MAX_CURSOR_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            long micros = Long.parseLong(text.substring(0, colon));
            String id = text.substring(colon + 1);
            if (id.isEmpty() || !id.matches("[a-z0-9]{1,64}")) {
                throw new IllegalArgumentException("bad id");
            }
            return new JobCursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000L), id);
        } catch (RuntimeException e) {
            throw SchedulerException.invalidCursor();
        }
    }
}
