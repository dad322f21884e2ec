package dev.upc.servicehttp;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list (see {@link dev.upc.protocol.Paging}): its items and the cursor of the next page, null on the
 * last one.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public Page {
        items = List.copyOf(items);
    }

    /** The same page with each item mapped (e.g. rows to wire records). */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(items.stream().<R>map(mapper).toList(), nextCursor);
    }

    /**
     * The page of a keyset query that asked for one item more than {@code limit} (items after the cursor, in the
     * list's order): that extra item, if it came, says there is a next page, which starts after the last item kept.
     *
     * @param sortKey the item's sort key, as {@link PageCursors#encode} stores it
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, List<String>> sortKey) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, PageCursors.encode(sortKey.apply(items.get(limit - 1))));
    }
}
