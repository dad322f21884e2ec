package dev.upc.cli.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Walks a cursor-paged list ({@code ?limit&cursor}, {@code nextCursor} null on the last page) of any service.
 *
 * @param <P> the page record (JobList, WorkerList, …)
 * @param <T> its items
 */
final class Pages<P, T> implements Iterable<T> {

    private final Function<String, P> fetch;
    private final Function<P, List<T>> items;
    private final Function<P, String> nextCursor;
    private final String firstCursor;

    /**
     * @param fetch       the page at a cursor (null = the first)
     * @param items       a page's items
     * @param nextCursor  a page's next cursor
     * @param firstCursor where to begin, null for the start of the list
     */
    Pages(Function<String, P> fetch, Function<P, List<T>> items, Function<P, String> nextCursor, String firstCursor) {
        this.fetch = fetch;
        this.items = items;
        this.nextCursor = nextCursor;
        this.firstCursor = firstCursor;
    }

    /** Every item of every page, fetched now. */
    List<T> all() {
        List<T> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    /** Fetches a page only when the items of the one before are used up. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Iterator<T> page = List.<T>of().iterator();
            private String cursor = firstCursor;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    P next = fetch.apply(cursor);
                    List<T> nextItems = items.apply(next);
                    cursor = nextCursor.apply(next);
                    // an empty page that still names a next one would loop forever on a confused service
                    last = cursor == null || nextItems.isEmpty();
                    page = nextItems.iterator();
                }
                return page.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }
}
