package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void aCursorHoldsTheSortKeyIncludingAwkwardStrings() {
        List<String> key = List.of("pc \"7\"/ü\n", "w123");

        String cursor = PageCursors.encode(key);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(PageCursors.decode(cursor, 2)).isEqualTo(key);
    }

    @Test
    void cursorsOfAnotherShapeOrGarbledAreRefused() {
        String good = PageCursors.encode(List.of("a", "b"));
        for (String bad : List.of("", "%%%", "not-base64!", good.substring(0, good.length() - 3),
                PageCursors.encode(List.of("a")), b64("{\"a\":1}"), b64("[1,2]"), b64("[\"a\",null]"),
                "A".repeat(600))) {
            assertThatThrownBy(() -> PageCursors.decode(bad, 2)).as(bad).isInstanceOf(InvalidCursorException.class)
                    .hasMessageContaining("nextCursor");
        }
    }

    @Test
    void aPageKeepsLimitItemsAndPointsPastTheLastWhenMoreCame() {
        Page<String> middle = Page.of(List.of("a", "b", "c"), 2, s -> List.of(s));
        assertThat(middle.items()).containsExactly("a", "b");
        assertThat(PageCursors.decode(middle.nextCursor(), 1)).containsExactly("b");

        Page<String> last = Page.of(List.of("a", "b"), 2, s -> List.of(s));
        assertThat(last.items()).containsExactly("a", "b");
        assertThat(last.nextCursor()).isNull();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
    }
}
