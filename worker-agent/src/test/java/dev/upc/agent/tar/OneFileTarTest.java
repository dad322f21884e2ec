package dev.upc.agent.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar the agent makes for an input file, read back by GNU tar (a reader that shares none of its code). */
class OneFileTarTest {

    private static final long MTIME = 1_796_407_547L; // 2026-12-04

    @TempDir
    Path dir;

    @Test
    void gnuTarReadsTheDirectoriesAndTheFileWithItsModeAndBytes() throws Exception {
        byte[] content = "hello from input\n".getBytes(StandardCharsets.UTF_8);
        OneFileTar tar = new OneFileTar(List.of("data", "data/in"), "data/in/hello.txt", 0640, content.length,
                new ByteArrayInputStream(content), MTIME);

        Path archive = write(tar);

        assertThat(Files.size(archive)).isEqualTo(tar.length()).isEqualTo(512 * 3 + 512 + 1024);
        List<String> listing = run("tar", "--numeric-owner", "--utc", "-tvf", archive.toString());
        assertThat(listing).hasSize(3);
        assertThat(listing.get(0)).startsWith("drwxr-xr-x 0/0").endsWith(" data/");
        assertThat(listing.get(1)).startsWith("drwxr-xr-x 0/0").endsWith(" data/in/");
        assertThat(listing.get(2)).startsWith("-rw-r----- 0/0").contains(" 17 2026-12-04 ").endsWith(" data/in/hello.txt");
        Path out = Files.createDirectory(dir.resolve("out"));
        run("tar", "-xf", archive.toString(), "-C", out.toString());
        assertThat(Files.readAllBytes(out.resolve("data/in/hello.txt"))).isEqualTo(content);
    }

    @Test
    void aBlockSizedFileNeedsNoPaddingAndAnEmptyFileIsHeaderOnly() throws Exception {
        byte[] block = new byte[1024];
        OneFileTar exact = new OneFileTar(List.of(), "x", 0644, block.length, new ByteArrayInputStream(block), MTIME);
        OneFileTar empty = new OneFileTar(List.of(), "e", 0755, 0, InputStream.nullInputStream(), MTIME);

        assertThat(write(exact).toFile().length()).isEqualTo(512 + 1024 + 1024);
        Path emptyArchive = write(empty);
        assertThat(emptyArchive.toFile().length()).isEqualTo(512 + 1024);
        assertThat(run("tar", "-tvf", emptyArchive.toString()).get(0)).startsWith("-rwxr-xr-x").endsWith(" e");
    }

    @Test
    void aLongPathGoesIntoThePrefixField() throws Exception {
        String parent = "d".repeat(60) + "/" + "e".repeat(60);                   // 121 bytes
        String path = parent + "/" + "f".repeat(90) + ".bin";                    // 216 bytes
        byte[] content = {1, 2, 3};
        OneFileTar tar = new OneFileTar(List.of("d".repeat(60), parent), path, 0600, 3,
                new ByteArrayInputStream(content), MTIME);

        Path archive = write(tar);

        assertThat(run("tar", "-tf", archive.toString())).containsExactly("d".repeat(60) + "/", parent + "/", path);
        Path out = Files.createDirectory(dir.resolve("out"));
        run("tar", "-xf", archive.toString(), "-C", out.toString());
        assertThat(Files.readAllBytes(out.resolve(path))).isEqualTo(content);
    }

    @Test
    void aPathBeyondUstarsLimitsFailsClearly() {
        String noSlashFits = "a".repeat(101);
        String prefixTooLong = "p".repeat(160) + "/" + "n".repeat(10);

        assertThatThrownBy(() -> UstarHeader.checkFits(noSlashFits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long for a tar entry").hasMessageContaining("155").hasMessageContaining("100");
        assertThatThrownBy(() -> new OneFileTar(List.of(), prefixTooLong, 0644, 0, InputStream.nullInputStream(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/" + prefixTooLong);
    }

    @Test
    void aSizeOf8GiBOrMoreIsWrittenInBase256() {
        long size = 9L << 30;
        byte[] header = UstarHeader.file("big", 0644, size, MTIME);

        assertThat(header[124] & 0xff).isEqualTo(0x80);
        long decoded = 0;
        for (int i = 125; i < 136; i++) {
            decoded = (decoded << 8) | (header[i] & 0xff);
        }
        assertThat(decoded).isEqualTo(size);
        assertThat(checksumHolds(header)).isTrue();
        byte[] small = UstarHeader.file("small", 0644, 077777777777L, MTIME);
        assertThat(new String(small, 124, 11, StandardCharsets.US_ASCII)).isEqualTo("77777777777");
    }

    @Test
    void contentShorterOrLongerThanItsSizeFailsTheArchiveInsteadOfEndingIt() {
        OneFileTar shorter = new OneFileTar(List.of(), "s", 0644, 10, new ByteArrayInputStream(new byte[7]), MTIME);
        OneFileTar longer = new OneFileTar(List.of(), "l", 0644, 10, new ByteArrayInputStream(new byte[11]), MTIME);

        assertThatThrownBy(shorter::readAllBytes).isInstanceOf(IOException.class)
                .hasMessageContaining("/s ended after 7 of its 10 bytes");
        assertThatThrownBy(longer::readAllBytes).isInstanceOf(IOException.class)
                .hasMessageContaining("/l has more than its 10 bytes");
    }

    @Test
    void theContentsEndIsReadSoThatAVerifyingStreamChecksIt() {
        InputStream verifying = new ByteArrayInputStream(new byte[5]) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n == -1) {
                    throw new java.io.UncheckedIOException(new IOException("digest mismatch"));
                }
                return n;
            }

            @Override
            public synchronized int read() {
                int n = super.read();
                if (n == -1) {
                    throw new java.io.UncheckedIOException(new IOException("digest mismatch"));
                }
                return n;
            }
        };
        OneFileTar tar = new OneFileTar(List.of(), "v", 0644, 5, verifying, MTIME);

        assertThatThrownBy(tar::readAllBytes).hasMessageContaining("digest mismatch");
    }

    private Path write(OneFileTar tar) throws IOException {
        Path archive = Files.createTempFile(dir, "input", ".tar");
        try (tar) {
            Files.copy(tar, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return archive;
    }

    private static boolean checksumHolds(byte[] header) {
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        return Long.parseLong(new String(header, 148, 6, StandardCharsets.US_ASCII).trim(), 8) == sum;
    }

    private static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).lines().toList());
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), lines).isZero();
        return lines;
    }
}
