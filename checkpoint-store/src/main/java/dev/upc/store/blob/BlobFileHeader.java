package dev.upc.store.blob;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The fixed-size header at the start of every blob file, followed by the content. Keeping the metadata inside
 * the blob file makes the commit a single rename: there is no state where content and sha256 disagree
 * because one of two files was lost in a crash.
 *
 * <pre>
 * offset size
 *      0    8  magic "UPCBLOB\0"
 *      8    4  formatVersion (1)
 *     12    4  reserved (0)
 *     16    8  content size in bytes
 *     24    8  createdAt, epoch milliseconds
 *     32   32  sha256 of the content
 *     64   60  reserved (0)
 *    124    4  CRC32C of bytes 0..123
 * </pre>
 */
record BlobFileHeader(int formatVersion, long size, Instant createdAt, byte[] sha256) {

    static final int LENGTH = 128;
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "UPCBLOB\0".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    String sha256Hex() {
        return HEX.formatHex(sha256);
    }

    ByteBuffer encode() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(MAGIC).putInt(formatVersion).putInt(0).putLong(size).putLong(createdAt.toEpochMilli()).put(sha256);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, LENGTH - 4);
        buffer.putInt(LENGTH - 4, (int) crc.getValue());
        return buffer.clear();
    }

    /** Reads and checks the header; {@link IllegalStateException} with the reason when it is not a valid one. */
    static BlobFileHeader read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new EOFException("blob file shorter than its " + LENGTH + "-byte header");
            }
        }
        byte[] bytes = buffer.array();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, LENGTH - 4);
        if (buffer.getInt(LENGTH - 4) != (int) crc.getValue()) {
            throw new IllegalStateException("header checksum mismatch");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IllegalStateException("not a blob file (bad magic)");
            }
        }
        int version = buffer.getInt(8);
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unsupported blob formatVersion " + version);
        }
        byte[] sha = new byte[32];
        buffer.get(32, sha);
        return new BlobFileHeader(version, buffer.getLong(16), Instant.ofEpochMilli(buffer.getLong(24)), sha);
    }
}
