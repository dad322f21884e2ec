package dev.upc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageArchiveTest {

    private static final String STORE_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    @Test
    void blobIdIsReadableAndAValidStoreId() {
        String id = ImageArchive.blobId("localhost/upc/counter:1");
        assertThat(id).startsWith("localhost_upc_counter_1-").matches(STORE_ID).doesNotContain("..");
    }

    @Test
    void referencesThatLookAlikeGetDifferentIds() {
        assertThat(ImageArchive.blobId("a/b:1")).isNotEqualTo(ImageArchive.blobId("a_b:1"));
        assertThat(ImageArchive.blobId("x/y")).isEqualTo(ImageArchive.blobId("x/y"));
    }

    @Test
    void longAndOddReferencesStayValid() {
        String longRef = "registry.example.org:5000/" + "a".repeat(200) + "@sha256:" + "0".repeat(64);
        assertThat(ImageArchive.blobId(longRef)).matches(STORE_ID).doesNotContain("..");
        assertThat(ImageArchive.blobId("_x..y")).matches(STORE_ID).doesNotContain("..");
    }
}
