package dev.upc.protocol;

/**
 * Cursor paging, the same on every list of every service: {@code ?limit=N&cursor=C}. A reply carries
 * {@code nextCursor}, an opaque string to pass as {@code cursor} for the next page, or null on the last page. Cursors
 * are positions in the list's order, not offsets: items added meanwhile do not shift a page.
 */
public final class Paging {

    public static final String LIMIT = "limit";
    public static final String CURSOR = "cursor";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** A cursor is at most this long; longer ones are refused as invalid. */
    public static final int MAX_CURSOR_LENGTH = 512;

    private Paging() {
    }
}
