package dev.upc.agent.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryRewriteTest {

    private static final byte[] PAGES = new byte[(1 << 20) + 77];

    static {
        new Random(7).nextBytes(PAGES);
    }

    @Test
    void theNamedEntryIsReplacedAndEveryOtherByteIsAsItWas() throws IOException {
        byte[] archive = archive(List.of(dir("checkpoint"), file("config.dump", "{\"c\":1}"),
                file("spec.dump", "{\"linux\":{}}"), file("checkpoint/pages-1.img", PAGES)));

        EntryRewrite rewrite = new EntryRewrite(new ByteArrayInputStream(archive), "spec.dump", 1 << 20,
                old -> Optional.of(("{\"new\":" + new String(old, StandardCharsets.UTF_8) + "}").getBytes()));
        byte[] out = readInOddChunks(rewrite);

        assertThat(rewrite.rewritten()).isTrue();
        Map<String, byte[]> entries = entries(out);
        assertThat(entries).containsOnlyKeys("checkpoint/", "config.dump", "spec.dump", "checkpoint/pages-1.img");
        assertThat(new String(entries.get("spec.dump"), StandardCharsets.UTF_8)).isEqualTo("{\"new\":{\"linux\":{}}}");
        assertThat(entries.get("checkpoint/pages-1.img")).isEqualTo(PAGES);
        assertThat(entries.get("config.dump")).isEqualTo("{\"c\":1}".getBytes());
    }

    @Test
    void anArchiveWithoutTheEntryOrWithARewriteThatDeclinesPassesByteForByte() throws IOException {
        byte[] without = archive(List.of(file("config.dump", "{}"), file("checkpoint/pages-1.img", PAGES)));
        byte[] with = archive(List.of(file("spec.dump", "{}"), file("checkpoint/pages-1.img", PAGES)));

        EntryRewrite absent = new EntryRewrite(new ByteArrayInputStream(without), "spec.dump", 1 << 20,
                old -> Optional.of(new byte[1]));
        EntryRewrite declined = new EntryRewrite(new ByteArrayInputStream(with), "spec.dump", 1 << 20,
                old -> Optional.empty());
        EntryRewrite tooLarge = new EntryRewrite(new ByteArrayInputStream(with), "spec.dump", 1,
                old -> Optional.of(new byte[1]));

        assertThat(readInOddChunks(absent)).isEqualTo(without);
        assertThat(readInOddChunks(declined)).isEqualTo(with);
        assertThat(readInOddChunks(tooLarge)).isEqualTo(with);
        assertThat(absent.rewritten() || declined.rewritten() || tooLarge.rewritten()).isFalse();
    }

    @Test
    void anEntryAfterAPaxHeaderOrDeeperInTheTreeIsLeftAlone() throws IOException {
        byte[] pax = UstarHeader.file("PaxHeaders/spec.dump", 0644, 0, 0);
        pax[156] = 'x';
        pax = EntryRewrite.withSize(pax, 0);
        byte[] archive = archive(List.of(pax, file("spec.dump", "{}"), file("sub/spec.dump", "{}")));

        EntryRewrite rewrite = new EntryRewrite(new ByteArrayInputStream(archive), "spec.dump", 1 << 20,
                old -> Optional.of(new byte[3]));

        assertThat(readInOddChunks(rewrite)).isEqualTo(archive);
        assertThat(rewrite.rewritten()).isFalse();
    }

    @Test
    void aTruncatedArchiveIsPassedOnAsItIsForTheReaderToRefuse() throws IOException {
        byte[] archive = archive(List.of(file("checkpoint/pages-1.img", PAGES), file("spec.dump", "{}")));
        byte[] half = Arrays.copyOf(archive, archive.length / 2 + 100);
        byte[] cutInSpec = Arrays.copyOf(archive, archive.length - 1024 - 256);

        assertThat(readInOddChunks(new EntryRewrite(new ByteArrayInputStream(half), "spec.dump", 1 << 20,
                old -> Optional.of(new byte[1])))).isEqualTo(half);
        assertThat(readInOddChunks(new EntryRewrite(new ByteArrayInputStream(cutInSpec), "spec.dump", 1 << 20,
                old -> Optional.of(new byte[1])))).isEqualTo(cutInSpec);
    }

    @Test
    void anErrorOfTheStreamBelowEndsThisOneWithThatError() {
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ < 700) {
                    return 0x41;
                }
                throw new IOException("sha256 mismatch");
            }
        };

        assertThatThrownBy(() -> new EntryRewrite(failing, "spec.dump", 1 << 20, old -> Optional.empty())
                .readAllBytes()).isInstanceOf(IOException.class).hasMessage("sha256 mismatch");
    }

    // ---- a tiny tar writer and reader for the tests ----------------------------------------------------------------

    private static byte[] dir(String name) {
        return UstarHeader.directory(name, 0755, 1);
    }

    private static byte[] file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] file(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(UstarHeader.file(name, 0644, content.length, 1));
        out.writeBytes(content);
        out.writeBytes(new byte[UstarHeader.padding(content.length)]);
        return out.toByteArray();
    }

    private static byte[] archive(List<byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach(out::writeBytes);
        out.writeBytes(new byte[2 * UstarHeader.BLOCK]);
        return out.toByteArray();
    }

    /** Each entry's content by name, checking every header's checksum. */
    private static Map<String, byte[]> entries(byte[] archive) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int at = 0;
        while (at + UstarHeader.BLOCK <= archive.length) {
            byte[] header = Arrays.copyOfRange(archive, at, at + UstarHeader.BLOCK);
            if (Arrays.equals(header, new byte[UstarHeader.BLOCK])) {
                break;
            }
            long sum = 0;
            for (int i = 0; i < header.length; i++) {
                sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
            }
            String recorded = new String(header, 148, 6, StandardCharsets.US_ASCII);
            assertThat(Long.parseLong(recorded, 8)).as("checksum of " + EntryRewrite.name(header)).isEqualTo(sum);
            int size = (int) EntryRewrite.size(header);
            at += UstarHeader.BLOCK;
            entries.put(EntryRewrite.name(header), Arrays.copyOfRange(archive, at, at + size));
            at += size + UstarHeader.padding(size);
        }
        return entries;
    }

    private static byte[] readInOddChunks(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[512];
        List<Integer> sizes = new ArrayList<>(List.of(1, 7, 333, 100, 511));
        int i = 0;
        int n;
        while ((n = in.read(buffer, 0, sizes.get(i++ % sizes.size()))) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
