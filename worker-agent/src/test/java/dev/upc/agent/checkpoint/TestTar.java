package dev.upc.agent.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Tar archives written byte by byte, including what no well-behaved writer makes. */
public final class TestTar {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public TestTar file(String name, byte[] content) {
        return entry(name, '0', content, "");
    }

    public TestTar file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestTar directory(String name) {
        return entry(name, '5', new byte[0], "");
    }

    public TestTar symlink(String name, String target) {
        return entry(name, '2', new byte[0], target);
    }

    public TestTar hardlink(String name, String target) {
        return entry(name, '1', new byte[0], target);
    }

    public TestTar device(String name) {
        return entry(name, '4', new byte[0], "");
    }

    /** A pax header whose {@code path} record renames the entry after it. */
    public TestTar paxPath(String path) {
        return pax("path", path);
    }

    /** A pax header with one record. */
    public TestTar pax(String key, String value) {
        String record = key + "=" + value + "\n";
        int length = record.length() + 3;
        String line = length + " " + record;
        if (line.length() != length) {
            line = (length + 1) + " " + record;
        }
        return entry("PaxHeaders/x", 'x', line.getBytes(StandardCharsets.UTF_8), "");
    }

    /** An entry whose header says it is a STAR-like "ustar " with version "XX": no reader agrees on its prefix. */
    public TestTar oddMagic(String name, String prefix) {
        byte[] h = header(name, '0', 0, "");
        put(h, 257, "ustar XX");
        put(h, 345, prefix);
        out.writeBytes(signed(h));
        return this;
    }

    public TestTar entry(String name, char type, byte[] content, String link) {
        out.writeBytes(signed(header(name, type, content.length, link)));
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    /** A ustar header without its checksum. */
    private static byte[] header(String name, char type, long size, String link) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 157, link);
        put(h, 257, "ustar");
        put(h, 263, "00");
        return h;
    }

    /** The header with its checksum filled in. */
    private static byte[] signed(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    public byte[] end() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** The bytes so far, without the end-of-archive blocks. */
    public byte[] cut() {
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, h, at, bytes.length);
    }
}
