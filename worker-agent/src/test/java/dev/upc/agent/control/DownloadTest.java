package dev.upc.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
            assertThatThrownBy(download::readAllBytes).isInstanceOf(IOException.class)
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
    void skippingIsRefused() throws Exception {
        try (StoreClient.Download download = download(CONTENT, CONTENT.length, sha(CONTENT))) {
            assertThatThrownBy(() -> download.skip(3)).isInstanceOf(IOException.class);
        }
    }

    private static StoreClient.Download download(byte[] body, long length, String sha) {
        return new StoreClient.Download(new ByteArrayInputStream(body), "checkpoints/x", length, sha);
    }

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
