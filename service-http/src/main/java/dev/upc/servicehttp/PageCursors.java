package dev.upc.servicehttp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.Paging;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The cursors of {@link Paging}: the sort key of a page's last item (e.g. hostname and id), as base64url without
 * padding of a JSON array of strings. Opaque to clients, so a list may change its key without changing its API.
 * Not signed: a cursor is a position in a list the caller may read anyway, so a forged one shows nothing new; one
 * that does not decode to a key of the right shape is refused ({@link InvalidCursorException}, 400).
 */
public final class PageCursors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private PageCursors() {
    }

    public static String encode(List<String> sortKey) {
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(sortKey));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is JSON", e);
        }
    }

    /**
     * The sort key a cursor of {@link #encode} holds.
     *
     * @param fields how many strings the list's sort key has
     * @throws InvalidCursorException when the cursor is not one of this list's
     */
    public static List<String> decode(String cursor, int fields) {
        if (cursor.length() > Paging.MAX_CURSOR_LENGTH) {
            throw new InvalidCursorException("the cursor is longer than any this service hands out");
        }
        JsonNode key;
        try {
            key = JSON.readTree(DECODER.decode(cursor.getBytes(StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException | IOException e) {
            throw new InvalidCursorException("the cursor is not one this service handed out");
        }
        if (key == null || !key.isArray() || key.size() != fields) {
            throw new InvalidCursorException("the cursor is not one this service handed out");
        }
        List<String> values = new ArrayList<>(fields);
        for (JsonNode value : key) {
            if (!value.isTextual()) {
                throw new InvalidCursorException("the cursor is not one this service handed out");
            }
            values.add(value.textValue());
        }
        return values;
    }
}
