package dev.upc.agent.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 512-byte header of a POSIX ustar archive, for a directory or a regular file owned by root. A name longer than
 * the 100-byte name field is split at a slash into the 155-byte prefix field and the name; a size of 8 GiB or more,
 * which 11 octal digits cannot hold, is written in base-256 (the GNU extension Go's archive/tar, and so podman,
 * reads).
 */
public final class UstarHeader {

    public static final int BLOCK = 512;
    static final int NAME_LIMIT = 100;
    static final int PREFIX_LIMIT = 155;
    private static final long OCTAL_SIZE_LIMIT = 077777777777L;

    private UstarHeader() {
    }

    /** A directory entry; {@code path} is relative (no leading slash), without a trailing one. */
    public static byte[] directory(String path, int mode, long mtimeSeconds) {
        return header(path + "/", mode, 0, mtimeSeconds, '5');
    }

    /** A regular file entry of {@code size} bytes; its content follows, padded to whole blocks. */
    public static byte[] file(String path, int mode, long size, long mtimeSeconds) {
        return header(path, mode, size, mtimeSeconds, '0');
    }

    /** Zero bytes that fill {@code size} bytes of content up to whole blocks. */
    public static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    /**
     * Whether {@code path} fits a ustar header: throws {@link IllegalArgumentException} saying why not. For a directory
     * pass it with its trailing slash.
     */
    public static void checkFits(String path) {
        split(path.getBytes(StandardCharsets.UTF_8), path);
    }

    private static byte[] header(String path, int mode, long size, long mtimeSeconds, char type) {
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("a tar entry's name is relative and not empty: '" + path + "'");
        }
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("not a file mode: " + Integer.toOctalString(mode));
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        int cut = split(name, path);
        byte[] h = new byte[BLOCK];
        if (cut < 0) {
            System.arraycopy(name, 0, h, 0, name.length);
        } else {
            System.arraycopy(name, cut + 1, h, 0, name.length - cut - 1);
            System.arraycopy(name, 0, h, 345, cut);
        }
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0); // uid root
        octal(h, 116, 8, 0); // gid root
        if (size <= OCTAL_SIZE_LIMIT) {
            octal(h, 124, 12, size);
        } else {
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        octal(h, 136, 12, Math.max(0, mtimeSeconds));
        h[156] = (byte) type;
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, h, 148, 8);
        return h;
    }

    /** Where to cut {@code name} into prefix and name fields: -1 when it fits the name field whole. */
    private static int split(byte[] name, String path) {
        if (name.length <= NAME_LIMIT) {
            return -1;
        }
        // readers join the fields as prefix + "/" + name: cut at a slash, leaving neither part empty
        for (int i = 1; i <= Math.min(PREFIX_LIMIT, name.length - 2); i++) {
            if (name[i] == '/' && name.length - i - 1 <= NAME_LIMIT) {
                return i;
            }
        }
        throw new IllegalArgumentException("the path '/" + path + "' is too long for a tar entry: it must split at a"
                + " '/' into at most " + PREFIX_LIMIT + " bytes before and " + NAME_LIMIT + " bytes after ("
                + name.length + " bytes in UTF-8)");
    }

    /** {@code value} as zero-padded octal digits ending in NUL, filling {@code length} bytes at {@code at}. */
    private static void octal(byte[] h, int at, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException(value + " does not fit " + (length - 1) + " octal digits");
        }
        byte[] text = ("0".repeat(length - 1 - digits.length()) + digits).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, h, at, text.length);
        h[at + length - 1] = 0;
    }
}
