package dev.upc.agent.tar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * A tar archive as it streams by, with the content of one regular-file entry, named at the top level, replaced by
 * what {@code rewrite} makes of it. Everything else passes byte for byte, and once the entry is done the rest of the
 * archive is copied straight through. Memory use is the entry's size (at most {@code maxEntryBytes}) and a block.
 *
 * <p>The entry is left as it is when rewriting is not safe: when it is larger than the limit, when a pax or GNU
 * extended header (which may override its name or size) precedes it, or when {@code rewrite} returns empty. Whether it
 * was rewritten is {@link #rewritten()} once the stream is read. A damaged archive is not this class's concern: it is
 * passed on for the reader to refuse, and an error of the stream below ends this one with that error.
 */
public final class EntryRewrite extends InputStream {

    private static final int BLOCK = UstarHeader.BLOCK;

    private final InputStream in;
    private final String entryName;
    private final int maxEntryBytes;
    private final Function<byte[], Optional<byte[]>> rewrite;
    /** Bytes decided on and not yet read by the caller. */
    private byte[] pending = new byte[0];
    private int pendingAt;
    /** Bytes of the current entry's content (and padding) still to copy through unparsed. */
    private long passThrough;
    /** Parsing is over: the entry was handled, the archive ended, or it could not be parsed. */
    private boolean copying;
    private boolean extensionBefore;
    private boolean rewritten;
    private boolean required;

    /**
     * @param entryName     the entry's name, e.g. {@code spec.dump}
     * @param rewrite       the new content from the old; empty keeps the old
     */
    public EntryRewrite(InputStream in, String entryName, int maxEntryBytes,
                        Function<byte[], Optional<byte[]>> rewrite) {
        this.in = in;
        this.entryName = entryName;
        this.maxEntryBytes = maxEntryBytes;
        this.rewrite = rewrite;
    }

    /**
     * Makes the rewrite a condition of the archive: a stream whose entry was not rewritten (not found, not safe to
     * rewrite, or {@code rewrite} returned empty) fails at its end instead of ending.
     */
    public EntryRewrite required() {
        required = true;
        return this;
    }

    /** Whether the entry was found and its content replaced. */
    public boolean rewritten() {
        return rewritten;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (pendingAt == pending.length) {
            if (copying) {
                int n = in.read(buffer, offset, length);
                return n < 0 ? end() : n;
            }
            if (passThrough > 0) {
                int n = in.read(buffer, offset, (int) Math.min(length, passThrough));
                if (n > 0) {
                    passThrough -= n;
                }
                return n;
            }
            if (!nextHeader()) {
                return pendingAt == pending.length ? end() : 0;
            }
        }
        int n = Math.min(length, pending.length - pendingAt);
        System.arraycopy(pending, pendingAt, buffer, offset, n);
        pendingAt += n;
        return n;
    }

    private int end() throws IOException {
        if (required && !rewritten) {
            throw new IOException("the archive's " + entryName + " could not be rewritten for this PC");
        }
        return -1;
    }

    /** Reads the next header and decides what follows it. False at the end of the input. */
    private boolean nextHeader() throws IOException {
        byte[] header = in.readNBytes(BLOCK);
        if (header.length == 0) {
            return false;
        }
        if (header.length < BLOCK || isZero(header)) {
            copying = true; // the end of the archive, or a truncated one: the rest as it is
            pending(header);
            return true;
        }
        long size = size(header);
        char type = (char) header[156];
        if (size < 0) {
            copying = true;
            pending(header);
            return true;
        }
        long contentBlocks = (size + BLOCK - 1) / BLOCK * BLOCK;
        boolean extension = type == 'x' || type == 'g' || type == 'L' || type == 'K';
        boolean match = !extension && !extensionBefore && (type == '0' || type == 0) && entryName.equals(name(header));
        extensionBefore = extension;
        if (!match || size > maxEntryBytes) {
            pending(header);
            passThrough = contentBlocks;
            if (match) {
                copying = true; // too large to rewrite: nothing more to look for
            }
            return true;
        }
        byte[] content = in.readNBytes((int) size);
        byte[] padding = in.readNBytes((int) (contentBlocks - size));
        if (content.length < size || padding.length < contentBlocks - size) {
            copying = true;
            pending(concat(header, content, padding));
            return true;
        }
        Optional<byte[]> replaced = rewrite.apply(content);
        copying = true;
        if (replaced.isEmpty()) {
            pending(concat(header, content, padding));
            return true;
        }
        byte[] fresh = replaced.get();
        rewritten = true;
        pending(concat(withSize(header, fresh.length), fresh, new byte[UstarHeader.padding(fresh.length)]));
        return true;
    }

    private void pending(byte[] bytes) {
        pending = bytes;
        pendingAt = 0;
    }

    /** The entry's name, prefix and name field joined as readers do (the prefix is one only in a ustar header). */
    static String name(byte[] header) {
        String name = field(header, 0, 100);
        boolean ustar = "ustar".equals(field(header, 257, 5)) && header[262] == 0 && header[263] == '0'
                && header[264] == '0';
        String prefix = ustar ? field(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The size field, octal or base-256; -1 when it is neither. */
    static long size(byte[] header) {
        if ((header[124] & 0x80) != 0) {
            long size = 0;
            for (int i = 128; i < 136; i++) {
                size = size << 8 | header[i] & 0xff;
            }
            return (header[124] & 0x7f) == 0 && header[125] == 0 && header[126] == 0 && header[127] == 0 && size >= 0
                    ? size : -1;
        }
        String digits = new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A copy of {@code header} with a new size (octal) and its checksum recomputed. */
    static byte[] withSize(byte[] header, long size) {
        byte[] h = Arrays.copyOf(header, BLOCK);
        byte[] digits = String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 124, 11);
        h[135] = 0;
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        System.arraycopy(String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 8);
        return h;
    }

    private static String field(byte[] header, int at, int length) {
        int end = at;
        while (end < at + length && header[end] != 0) {
            end++;
        }
        return new String(header, at, end - at, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
