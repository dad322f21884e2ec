package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrittenBytesTest {

    @TempDir
    Path layer;

    @Test
    void regularFilesCountLinksDoNot() throws IOException {
        Files.write(layer.resolve("a"), new byte[1000]);
        Files.createDirectories(layer.resolve("d/e"));
        Files.write(layer.resolve("d/e/b"), new byte[24]);
        Path outside = Files.createTempFile("outside", ".bin");
        try {
            Files.write(outside, new byte[1 << 20]);
            Files.createSymbolicLink(layer.resolve("link"), outside); // made by the task: not followed
            Files.createSymbolicLink(layer.resolve("d/up"), layer); // a loop is no trap

            assertThat(WrittenBytes.under(layer, Long.MAX_VALUE)).isEqualTo(1024);
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void theCountStopsOncePastWhatMatters() throws IOException {
        for (int i = 0; i < 10; i++) {
            Files.write(layer.resolve("f" + i), new byte[100]);
        }
        assertThat(WrittenBytes.under(layer, 250)).isEqualTo(300);
        assertThat(WrittenBytes.under(layer, 1000)).isEqualTo(1000);
    }

    @Test
    void aMissingLayerIsNotFound() {
        assertThatThrownBy(() -> WrittenBytes.under(layer.resolve("gone"), 1)).isInstanceOf(NoSuchFileException.class);
    }
}
