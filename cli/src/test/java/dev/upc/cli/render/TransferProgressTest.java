package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TransferProgressTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private TransferProgress progress(boolean terminal) {
        return new TransferProgress(new PrintStream(err, true, StandardCharsets.UTF_8), terminal, "uploading",
                "data.bin");
    }

    @Test
    void aBigUploadRedrawsOneLineOnATerminalThenSumsUp() {
        TransferProgress progress = progress(true);
        progress.transferred(50L << 20, 100L << 20);
        progress.transferred(100L << 20, 100L << 20);
        progress.finish();
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\r\033[Kupc: uploading data.bin 50% of 100 MiB, ")
                .contains("\r\033[Kupc: uploading data.bin 100% of 100 MiB, ")
                .endsWith("/s)\n")
                .contains("upc: uploaded data.bin (100 MiB, ");
        assertThat(text.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
    }

    @Test
    void offATerminalOnlyTheSummaryIsPrinted() {
        TransferProgress progress = progress(false);
        progress.transferred(100L << 20, 100L << 20);
        progress.finish();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("upc: uploaded data.bin (100 MiB, ");
    }

    @Test
    void aSmallTransferIsSilent() {
        TransferProgress progress = progress(true);
        progress.transferred(1000, 1000);
        progress.finish();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
