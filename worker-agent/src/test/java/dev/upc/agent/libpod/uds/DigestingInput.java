package dev.upc.agent.libpod.uds;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Passes a stream through and keeps the count and SHA-256 of every byte that went by. */
final class DigestingInput extends FilterInputStream {

    private final MessageDigest sha256;
    private long bytes;

    DigestingInput(InputStream in) {
        super(in);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads to the end and returns the digest of the whole stream. */
    BodyDigest drain() throws IOException {
        byte[] buffer = new byte[256 * 1024];
        while (read(buffer, 0, buffer.length) != -1) {
            // the digest is the point
        }
        return digest();
    }

    /** Count and digest of what went by so far (call once, at the end). */
    BodyDigest digest() {
        return new BodyDigest(bytes, java.util.HexFormat.of().formatHex(sha256.digest()));
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b != -1) {
            sha256.update((byte) b);
            bytes++;
        }
        return b;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        int n = in.read(target, offset, length);
        if (n > 0) {
            sha256.update(target, offset, n);
            bytes += n;
        }
        return n;
    }
}
