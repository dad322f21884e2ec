package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeldEndTest {

    @Test
    void theEndWaitsForTheImageAndEverythingBeforeItFlows() throws IOException {
        CompletableFuture<String> image = new CompletableFuture<>();
        HeldEnd stream = new HeldEnd(new ByteArrayInputStream(new byte[] {1, 2, 3}), image, null);

        assertThat(stream.read(new byte[8], 0, 8)).as("the archive is not held").isEqualTo(3);
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> image.complete("loaded"));
        assertThat(stream.read()).isEqualTo(-1);
        assertThat((stream.releasedAtNanos() - stream.heldFromNanos()) / 1_000_000).isBetween(100L, 5_000L);
        assertThat(stream.read()).as("ended for good").isEqualTo(-1);
    }

    @Test
    void aFailedImageMeansTheArchiveNeverEnds() throws IOException {
        HeldEnd stream = new HeldEnd(new ByteArrayInputStream(new byte[] {1}),
                CompletableFuture.failedFuture(new IllegalStateException("image upc/x is in no store")), null);

        assertThat(stream.read()).isEqualTo(1);
        assertThatThrownBy(() -> stream.read(new byte[4], 0, 4)).isInstanceOf(IOException.class)
                .hasMessageContaining("image upc/x is in no store");
    }

    @Test
    void anEndHeldLongerThanAllowedFailsInsteadOfEnding() throws IOException {
        HeldEnd stream = new HeldEnd(new ByteArrayInputStream(new byte[] {1}), new CompletableFuture<>(),
                Duration.ofMillis(100));

        assertThat(stream.read()).isEqualTo(1);
        assertThatThrownBy(stream::read).isInstanceOf(IOException.class).hasMessageContaining("in vain");
    }
}
