package dev.upc.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ways of writing an upload produce exactly header + content, whatever the block boundaries. */
class UploadFileTest {

    private static final int HEADER = BlobFileHeader.LENGTH;
    /** Around the 4 KiB block and the direct writer's buffer, with the header's 128 bytes before the content. */
    private static final int[] SIZES = {0, 1, 4096 - HEADER - 1, 4096 - HEADER, 4096 - HEADER + 1, 4096,
            DirectUploadFile.BUFFER_BYTES - HEADER, DirectUploadFile.BUFFER_BYTES - HEADER + 1,
            DirectUploadFile.BUFFER_BYTES, 3 * DirectUploadFile.BUFFER_BYTES + 12345};

    @TempDir
    Path dir;

    @Test
    void directIoIsUsedOnTheUsualLinuxFileSystems() throws IOException {
        String type = Files.getFileStore(dir).type();
        assumeThat(Set.of("ext4", "xfs", "btrfs")).as("file system of %s", dir).contains(type);

        Optional<UploadFile> direct = DirectUploadFile.open(dir.resolve("probe"), HEADER);

        assertThat(direct).isPresent();
        direct.get().close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void writesHeaderThenContentExactly(boolean directIo) throws IOException {
        Random random = new Random(42);
        for (int size : SIZES) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            byte[] header = new byte[HEADER];
            Arrays.fill(header, (byte) 0x5a);
            Path file = dir.resolve((directIo ? "direct-" : "buffered-") + size);

            try (UploadFile upload = open(file, directIo)) {
                // uneven pieces, as the network delivers them
                for (int at = 0; at < size; ) {
                    int n = Math.min(size - at, 1 + random.nextInt(100_000));
                    upload.append(ByteBuffer.wrap(content, at, n));
                    at += n;
                }
                upload.finish(ByteBuffer.wrap(header));
            }

            byte[] expected = new byte[HEADER + size];
            System.arraycopy(header, 0, expected, 0, HEADER);
            System.arraycopy(content, 0, expected, HEADER, size);
            assertThat(Files.readAllBytes(file)).as("file of %d content bytes", size).isEqualTo(expected);
        }
    }

    @Test
    void aFailingBackgroundWriteSurfacesAsIOExceptionNotAHang() throws IOException {
        Path file = dir.resolve("refuses-writes");
        Files.createFile(file);
        // A channel that cannot write: the writer thread's first write fails, as a disk error would.
        FileChannel readOnly = FileChannel.open(file, StandardOpenOption.READ);
        byte[] chunk = new byte[256 << 10];

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (UploadFile upload = new DirectUploadFile(readOnly, 4096, HEADER)) {
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 4 * DirectUploadFile.BUFFER_BYTES / chunk.length; i++) {
                        upload.append(ByteBuffer.wrap(chunk));
                    }
                    upload.finish(ByteBuffer.allocate(HEADER));
                }).isInstanceOf(IOException.class);
            }
        });
        assertThat(readOnly.isOpen()).isFalse();
        assertThat(Files.size(file)).isZero();
    }

    private UploadFile open(Path file, boolean directIo) throws IOException {
        if (directIo) {
            Optional<UploadFile> direct = DirectUploadFile.open(file, HEADER);
            assumeThat(direct).as("direct I/O on %s", dir).isPresent();
            return direct.get();
        }
        return BufferedUploadFile.open(file, HEADER);
    }
}
