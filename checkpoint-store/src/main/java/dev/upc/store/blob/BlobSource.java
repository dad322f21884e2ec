package dev.upc.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bytes of a blob being put, as a sequence of buffers, and their sha256. Whoever delivers the bytes computes
 * the digest as they hand them out: the REST layer's body hashes each chunk on a thread of its own before the
 * worker takes it, so receiving, hashing and writing run side by side (SHA-256 costs as much CPU as all the
 * copying of a PUT together).
 */
public interface BlobSource {

    /**
     * The next bytes, or {@code null} at the end. The buffer is the caller's to drain until the next call.
     *
     * @throws IOException the bytes stopped coming (client gone, idle timeout): the put is aborted
     */
    ByteBuffer next() throws IOException;

    /** The sha256 of every byte returned by {@link #next()}; only once it returned {@code null}. */
    byte[] sha256();

    /** A source reading {@code in} in 1 MiB buffers and hashing them on the reading thread. */
    static BlobSource of(InputStream in) {
        return new BlobSource() {
            private final byte[] buffer = new byte[1 << 20];
            private final MessageDigest digest = newSha256();

            @Override
            public ByteBuffer next() throws IOException {
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n == 0) {
                    return null;
                }
                digest.update(buffer, 0, n);
                return ByteBuffer.wrap(buffer, 0, n);
            }

            @Override
            public byte[] sha256() {
                return digest.digest();
            }
        };
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
