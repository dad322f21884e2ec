package dev.upc.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.store.testing.TestStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file store on a real directory, without HTTP: commit, conflicts, races, aborts, corruption, sweep. */
class FileBlobStoreTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00.123Z");

    @TempDir
    Path root;

    private FileBlobStore store;
    private SimpleMeterRegistry meters;
    private ExecutorService pool;

    @BeforeEach
    void open() throws IOException {
        meters = new SimpleMeterRegistry();
        store = new FileBlobStore(new TestStoreConfig(root), Clock.fixed(NOW, ZoneOffset.UTC), meters);
        store.removeOrphanedUploads();
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
    }

    @Test
    void putsReadsListsAndDeletes() throws Exception {
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "job-1.ckpt");

        BlobStore.PutResult put = store.put(key, bytes("hello"), Optional.empty());

        assertThat(put.created()).isTrue();
        assertThat(put.info()).isEqualTo(new BlobInfo(BlobKind.CHECKPOINTS, "job-1.ckpt", 5,
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", NOW));
        Blob blob = store.get(key);
        assertThat(Files.readAllBytes(blob.file())).endsWith("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(store.list(BlobKind.CHECKPOINTS, "job-")).containsExactly(put.info());
        assertThat(store.list(BlobKind.IMAGES, "")).isEmpty();

        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(key)).isFalse();
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(BlobNotFoundException.class);
        assertThat(store.stat(key)).isEmpty();
    }

    @Test
    void listsAPageAtATimeAfterTheGivenIdReadingOnlyThePagesBlobs() throws Exception {
        for (String id : List.of("in-e", "in-a", "in-c", "in-b", "in-d", "other")) {
            store.put(new BlobKey(BlobKind.INPUTS, id), bytes(id), Optional.empty());
        }
        // a blob whose header is damaged is left out of its page, but the pages still go on past it
        Files.writeString(root.resolve("inputs").resolve("in-b"), "not a blob file");

        BlobStore.BlobPage first = store.list(BlobKind.INPUTS, "in-", Optional.empty(), 2);
        assertThat(first.blobs()).extracting(BlobInfo::id).containsExactly("in-a");
        assertThat(first.continueAfter()).contains("in-b");
        BlobStore.BlobPage second = store.list(BlobKind.INPUTS, "in-", first.continueAfter(), 2);
        assertThat(second.blobs()).extracting(BlobInfo::id).containsExactly("in-c", "in-d");
        BlobStore.BlobPage last = store.list(BlobKind.INPUTS, "in-", second.continueAfter(), 2);
        assertThat(last.blobs()).extracting(BlobInfo::id).containsExactly("in-e");
        assertThat(last.continueAfter()).isEmpty();
        assertThat(store.list(BlobKind.INPUTS, "in-", Optional.of("in-e"), 2).blobs()).isEmpty();
        assertThat(store.list(BlobKind.INPUTS, "")).extracting(BlobInfo::id).containsExactly("in-a", "in-c", "in-d",
                "in-e", "other");
    }

    @Test
    void directAndBufferedUploadsMakeTheSameBlob() throws Exception {
        byte[] content = new byte[(3 << 20) + 777];
        new Random(7).nextBytes(content);
        FileBlobStore buffered = new FileBlobStore(new TestStoreConfig(root).buffered(),
                Clock.fixed(NOW, ZoneOffset.UTC), meters);
        BlobKey direct = new BlobKey(BlobKind.CHECKPOINTS, "direct");
        BlobKey paged = new BlobKey(BlobKind.CHECKPOINTS, "paged");

        BlobInfo one = store.put(direct, new ByteArrayInputStream(content), Optional.empty()).info();
        BlobInfo two = buffered.put(paged, new ByteArrayInputStream(content), Optional.empty()).info();

        assertThat(one.sha256()).isEqualTo(two.sha256());
        assertThat(Files.readAllBytes(store.get(direct).file())).isEqualTo(Files.readAllBytes(buffered.get(paged).file()));
        // a fresh store has no remembered check: it reads both files through and finds them intact
        FileBlobStore reopened = new FileBlobStore(new TestStoreConfig(root), Clock.fixed(NOW, ZoneOffset.UTC), meters);
        assertThat(reopened.get(direct).info()).isEqualTo(one);
        assertThat(reopened.get(paged).info()).isEqualTo(two);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void identicalPutIsNoOpAndDifferentContentConflicts() throws Exception {
        BlobKey key = new BlobKey(BlobKind.IMAGES, "img");
        store.put(key, bytes("one"), Optional.empty());

        assertThat(store.put(key, bytes("one"), Optional.empty()).created()).isFalse();
        assertThatThrownBy(() -> store.put(key, bytes("two"), Optional.empty()))
                .isInstanceOf(BlobConflictException.class);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void wrongExpectedDigestStoresNothing() throws IOException {
        BlobKey key = new BlobKey(BlobKind.OUTPUTS, "out");

        assertThatThrownBy(() -> store.put(key, bytes("data"), Optional.of("0".repeat(64))))
                .isInstanceOf(DigestMismatchException.class);
        assertThat(store.list(BlobKind.OUTPUTS, "")).isEmpty();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void failingSourceLeavesNoBlobAndNoTempFile() {
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "aborted");
        InputStream breaksAfterSomeBytes = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 100_000) {
                    throw new IOException("client closed the connection");
                }
                return 'x';
            }
        };

        assertThatThrownBy(() -> store.put(key, breaksAfterSomeBytes, Optional.empty()))
                .isInstanceOf(UploadAbortedException.class);
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(BlobNotFoundException.class);
        assertThat(tempFiles()).isEmpty();
    }

    /** Sizes whose content ends just before, at and after the direct writer's buffer boundaries. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void digestIsTheSha256OfTheStoredBytesAroundBufferBoundaries(boolean directIo) throws Exception {
        FileBlobStore files = new FileBlobStore(directIo ? new TestStoreConfig(root) : new TestStoreConfig(root).buffered(),
                Clock.fixed(NOW, ZoneOffset.UTC), meters);
        int header = BlobFileHeader.LENGTH;
        int buffer = DirectUploadFile.BUFFER_BYTES;
        Random random = new Random(11);
        for (int size : new int[] {buffer - header - 1, buffer - header, buffer - header + 1, 2 * buffer - header,
                2 * buffer + 1}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, (directIo ? "direct-" : "buffered-") + size);

            BlobInfo info = files.put(key, new ByteArrayInputStream(content), Optional.empty()).info();

            byte[] stored = Files.readAllBytes(files.get(key).file());
            assertThat(stored).as("file of %d content bytes", size).hasSize(header + size);
            assertThat(info.sha256()).isEqualTo(sha256(stored, header)).isEqualTo(sha256(content, 0));
        }
        assertThat(tempFiles()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void uploadAbortedWhileAWriteIsInFlightLeavesNoTempFile(boolean directIo) {
        FileBlobStore files = new FileBlobStore(directIo ? new TestStoreConfig(root) : new TestStoreConfig(root).buffered(),
                Clock.fixed(NOW, ZoneOffset.UTC), meters);
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "aborted-late");
        long breakAt = 2L * DirectUploadFile.BUFFER_BYTES + 4321; // past two buffers handed to the writer
        InputStream breaksLate = new InputStream() {
            private long sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= breakAt) {
                    throw new IOException("client closed the connection");
                }
                int n = (int) Math.min(len, breakAt - sent);
                Arrays.fill(b, off, off + n, (byte) 'y');
                sent += n;
                return n;
            }
        };

        assertThatThrownBy(() -> files.put(key, breaksLate, Optional.empty()))
                .isInstanceOf(UploadAbortedException.class);
        assertThatThrownBy(() -> files.get(key)).isInstanceOf(BlobNotFoundException.class);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void corruptContentIsNeverReturnedAndAGoodReputRepairsIt() throws Exception {
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "rot");
        store.put(key, bytes("precious"), Optional.empty());
        Path file = store.get(key).file();
        byte[] raw = Files.readAllBytes(file);
        raw[raw.length - 1] ^= 1;
        Files.write(file, raw);

        assertThatThrownBy(() -> store.get(key)).isInstanceOf(CorruptBlobException.class)
                .hasMessageContaining("corrupt");
        assertThat(meters.counter("upc.store.corrupt.blobs").count()).isEqualTo(1);

        assertThat(store.put(key, bytes("precious"), Optional.empty()).created()).isTrue();
        assertThat(Files.readAllBytes(store.get(key).file())).endsWith("precious".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void truncatedOrForeignFilesAreCorruptNotServed() throws Exception {
        Files.writeString(root.resolve("images").resolve("foreign"), "not a blob file");

        assertThatThrownBy(() -> store.get(new BlobKey(BlobKind.IMAGES, "foreign")))
                .isInstanceOf(CorruptBlobException.class);
    }

    @Test
    void concurrentIdenticalPutsCreateExactlyOnce() throws Exception {
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "race-same");
        CyclicBarrier start = new CyclicBarrier(8);
        List<Future<BlobStore.PutResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return store.put(key, bytes("x".repeat(200_000)), Optional.empty());
            }));
        }

        long created = 0;
        for (Future<BlobStore.PutResult> result : results) {
            created += result.get().created() ? 1 : 0;
        }
        assertThat(created).isEqualTo(1);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void concurrentDifferentPutsHaveOneWinnerAndConflicts() throws Exception {
        BlobKey key = new BlobKey(BlobKind.CHECKPOINTS, "race-different");
        CyclicBarrier start = new CyclicBarrier(8);
        List<Future<BlobStore.PutResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String content = "content " + i + " " + "y".repeat(200_000);
            Callable<BlobStore.PutResult> put = () -> {
                start.await();
                return store.put(key, bytes(content), Optional.empty());
            };
            results.add(pool.submit(put));
        }

        int created = 0;
        int conflicts = 0;
        for (Future<BlobStore.PutResult> result : results) {
            try {
                created += result.get().created() ? 1 : 0;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(BlobConflictException.class);
                conflicts++;
            }
        }
        assertThat(created).isEqualTo(1);
        assertThat(conflicts).isEqualTo(7);
        assertThat(store.get(key).info().size()).isEqualTo("content 0 ".length() + 200_000);
    }

    @Test
    void startupSweepRemovesOrphanedUploads() throws Exception {
        Files.writeString(root.resolve("checkpoints").resolve(".upload-left-by-a-crash"), "partial");
        Files.writeString(root.resolve(".ready-123.probe"), "");

        assertThat(store.removeOrphanedUploads()).isEqualTo(2);
        assertThat(tempFiles()).isEmpty();
    }

    private List<Path> tempFiles() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes, int from) {
        MessageDigest digest = BlobSource.newSha256();
        digest.update(bytes, from, bytes.length - from);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
