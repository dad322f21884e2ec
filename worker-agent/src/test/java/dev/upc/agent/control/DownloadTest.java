package dev.upc.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DownloadTest {

    private static final byte[] CONTENT = "a checkpoint archive".getBytes(StandardCharsets.UTF_8);

    @Test
    void intactBytesEndNormally() throws Exception {
        try (StoreClient.Download download = download(CONTENT, CONTENT.length, sha(CONTENT))) {
            assertThat(download.readAllBytes()).isEqualTo(CONTENT);
            assertThat(download.read()).isEqualTo(-1);
        }
    }

    @Test
    void damagedBytesFailInsteadOfEnding() throws Exception {
        byte[] damaged = CONTENT.clone();
        damaged[3] ^= 1;
        try (StoreClient.Download download = download(damaged, damaged.length, sha(CONTENT))) {
            assertThatThrownBy(download::readAllBytes).isInstanceOf(DamagedBlobException.class)
                    .hasMessageContaining("checkpoints/x is damaged");
        }
    }

    @Test
    void aShortBodyFailsToo() throws Exception {
        try (StoreClient.Download download = download(CONTENT, CONTENT.length + 1, sha(CONTENT))) {
            assertThatThrownBy(download::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("expected " + (CONTENT.length + 1) + " bytes");
        }
    }

    @Test
    void aBlobTheStoreSwappedIsRefusedAtOnceWhenItSaysSo() throws Exception {
        byte[] swapped = "another archive".getBytes(StandardCharsets.UTF_8);
        try (StoreClient.Download download = download(swapped, swapped.length, sha(swapped))) {
            assertThat(download.require(sha(CONTENT))).as("the store's ETag names another blob").isFalse();
        }
    }

    @Test
    void aFollowedBlobThatTurnsOutSwappedFailsInsteadOfEnding() throws Exception {
        byte[] swapped = "another archive".getBytes(StandardCharsets.UTF_8);
        StoreClient.Committed committed = () -> new BlobInfo(BlobKind.CHECKPOINTS, "x", swapped.length, sha(swapped),
                null);
        try (StoreClient.Download download = new StoreClient.Download(new ByteArrayInputStream(swapped),
                "checkpoints/x", -1, null, committed)) {
            assertThat(download.require(sha(CONTENT))).as("not known yet").isTrue();
            assertThatThrownBy(download::readAllBytes).isInstanceOf(DamagedBlobException.class)
                    .hasMessageContaining("is not the blob its source stored");
        }
    }

    @Test
    void theBlobItsSourceStoredEndsNormally() throws Exception {
        try (StoreClient.Download download = download(CONTENT, CONTENT.length, sha(CONTENT))) {
            assertThat(download.require(sha(CONTENT))).isTrue();
            assertThat(download.readAllBytes()).isEqualTo(CONTENT);
        }
    }

    @Test
    void skippingIsRefused() throws Exception {
        try (StoreClient.Download download = download(CONTENT, CONTENT.length, sha(CONTENT))) {
            assertThatThrownBy(() -> download.skip(3)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aFollowedUploadIsCheckedAgainstTheCommittedBlobAtItsEndAndOnlyThen() throws Exception {
        int[] asked = {0};
        StoreClient.Committed committed = () -> {
            asked[0]++;
            return new BlobInfo(BlobKind.CHECKPOINTS, "x", CONTENT.length, sha(CONTENT), null);
        };
        try (StoreClient.Download download = new StoreClient.Download(new ByteArrayInputStream(CONTENT),
                "checkpoints/x", -1, null, committed)) {
            byte[] got = new byte[CONTENT.length];
            assertThat(download.read(got, 0, got.length)).isEqualTo(CONTENT.length);
            assertThat(got).isEqualTo(CONTENT);
            assertThat(asked[0]).as("not before the end").isZero();
            assertThat(download.read()).isEqualTo(-1);
            assertThat(asked[0]).isEqualTo(1);
            assertThat(download.length()).isEqualTo(CONTENT.length);
        }
    }

    @Test
    void aFollowedUploadThatDiffersFromTheCommittedBlobFailsInsteadOfEnding() throws Exception {
        byte[] other = "another archive".getBytes(StandardCharsets.UTF_8);
        try (StoreClient.Download download = new StoreClient.Download(new ByteArrayInputStream(CONTENT),
                "checkpoints/x", -1, null, () -> new BlobInfo(BlobKind.CHECKPOINTS, "x", other.length, sha(other),
                null))) {
            assertThatThrownBy(download::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("checkpoints/x is damaged");
        }
        try (StoreClient.Download download = new StoreClient.Download(new ByteArrayInputStream(CONTENT),
                "checkpoints/x", -1, null, () -> {
                    throw new IOException("checkpoints/x ended but is not stored");
                })) {
            assertThatThrownBy(download::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("not stored");
        }
    }

    private static StoreClient.Download download(byte[] body, long length, String sha) {
        return new StoreClient.Download(new ByteArrayInputStream(body), "checkpoints/x", length, sha, null);
    }

    private static String sha(byte[] bytes) {
        return HexFormat.of().formatHex(StoreClient.sha256().digest(bytes));
    }
}
