package dev.upc.registry.service;

import dev.upc.servicehttp.Page;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One page of a keyset-paged native query of the registry's rows: the caller's query with its filters and the
 * cursor's row comparison, ordered by the sort key; one row more than the page is fetched, which says whether a next
 * page exists, and the next page's cursor is the last row's sort key ({@link Page#of}).
 */
final class KeysetQuery {

    private KeysetQuery() {
    }

    /**
     * @param sql     {@code SELECT … WHERE …}, the filters and the cursor's comparison included, without order or limit
     * @param orderBy the sort key's columns, as the cursor's comparison names them
     * @param sortKey a row's sort key, as the cursor stores it
     */
    static <E> Uni<Page<E>> page(StringBuilder sql, String orderBy, Map<String, Object> parameters, Class<E> rowType,
                                 int limit, Function<E, List<String>> sortKey) {
        sql.append(" ORDER BY ").append(orderBy).append(" LIMIT :limit");
        parameters.put("limit", limit + 1);
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), rowType);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> Page.of(rows, limit, sortKey));
    }
}
