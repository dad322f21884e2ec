package dev.upc.agent.libpod.uds;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * {@code length} pseudo-random bytes, made as they are read and never held whole: a 1 GiB body in
 * 128 KiB of heap. Each 8-byte word is a word of a random base block XOR a per-position counter, so
 * every position has its own value (a lost, repeated or reordered piece changes the digest) at the
 * cost of one XOR per word.
 */
final class PseudoRandomBytes extends InputStream {

    private static final int BLOCK = 64 * 1024;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long length;
    private final long[] base = new long[BLOCK / Long.BYTES];
    private final byte[] block = new byte[BLOCK];
    private final ByteBuffer words = ByteBuffer.wrap(block);
    private long counter;
    private long position;
    private int blockAt = BLOCK;

    PseudoRandomBytes(long seed, long length) {
        this.length = length;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < base.length; i++) {
            base[i] = random.nextLong();
        }
        counter = random.nextLong();
    }

    /** Bytes handed out so far. */
    long produced() {
        return position;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) {
        if (position == length) {
            return -1;
        }
        if (count == 0) {
            return 0;
        }
        if (blockAt == BLOCK) {
            makeBlock();
        }
        int n = (int) Math.min(Math.min(count, BLOCK - blockAt), length - position);
        System.arraycopy(block, blockAt, target, offset, n);
        blockAt += n;
        position += n;
        return n;
    }

    private void makeBlock() {
        for (int i = 0; i < base.length; i++) {
            words.putLong(i * Long.BYTES, base[i] ^ counter);
            counter += GOLDEN; // odd, so no two positions of a stream get the same counter
        }
        blockAt = 0;
    }
}
