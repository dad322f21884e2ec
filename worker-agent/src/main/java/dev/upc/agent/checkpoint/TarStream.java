package dev.upc.agent.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tar archive read as its bytes go by, the way Go's {@code archive/tar} reads it (podman untars with it): pax
 * ({@code x}) and GNU long-name ({@code L}, {@code K}) records apply to the entry after them, a {@code '\0'} type is a
 * regular file or, with a trailing slash, a directory. Each entry is handed to a {@link Visitor} with its content, in
 * pieces, as it arrives; nothing is buffered beyond a header block and the extension records (at most
 * {@value #MAX_EXTENSION_BYTES} bytes). A header with a wrong checksum, a size that is not a number, a pax global
 * header and an archive that ends inside an entry are refused: a reader downstream would otherwise see something
 * different from what was checked.
 *
 * <p>Where readers differ, or the agent's own stream rewriters (which parse headers more simply) would, the archive is
 * refused rather than read one way: a header that is neither plain ustar, GNU nor V7 (the ustar prefix is not a
 * prefix to GNU readers), a second extended header before one entry (Go keeps only the last pax header, and a GNU
 * long name wins over a pax path), a pax size, a size on an entry that has no content (Go ignores it, a simpler
 * parser would skip that many bytes), a regular file named like a directory, and a compressed stream (podman
 * decompresses what starts like gzip, bzip2, xz or zstd).
 */
final class TarStream {

    static final int BLOCK = 512;
    static final int MAX_EXTENSION_BYTES = 64 * 1024;

    /** What a checker does with the entries. Each method may refuse the archive. */
    interface Visitor {
        void begin(Entry entry) throws ArchiveRefusedException;

        void content(byte[] bytes, int offset, int length) throws ArchiveRefusedException;

        void end(Entry entry) throws ArchiveRefusedException;
    }

    /**
     * @param type  the tar type flag: {@code '0'} regular, {@code '5'} directory, {@code '2'} symbolic link,
     *              {@code '1'} hard link, others as tar defines them
     */
    record Entry(String name, char type, long size, String linkName) {
        boolean regular() {
            return type == '0';
        }

        boolean directory() {
            return type == '5';
        }
    }

    private enum Phase { HEADER, CONTENT, PADDING, EXTENSION, ENDED }

    private final String what;
    private final Visitor visitor;
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    private Phase phase = Phase.HEADER;
    private long left;
    private Entry current;
    /** A pending pax or GNU record's content, and its type. */
    private byte[] extension;
    private int extensionFill;
    private char extensionType;
    private String nextName;
    private String nextLink;
    private boolean extended;
    private boolean first = true;

    /** @param what the archive's name in refusals, e.g. {@code rootfs-diff.tar} */
    TarStream(String what, Visitor visitor) {
        this.what = what;
        this.visitor = visitor;
    }

    void feed(byte[] bytes, int offset, int length) throws ArchiveRefusedException {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            switch (phase) {
                case HEADER -> {
                    int n = Math.min(end - at, BLOCK - headerFill);
                    System.arraycopy(bytes, at, header, headerFill, n);
                    headerFill += n;
                    at += n;
                    if (headerFill == BLOCK) {
                        headerFill = 0;
                        header();
                    }
                }
                case CONTENT -> {
                    int n = (int) Math.min(end - at, left);
                    visitor.content(bytes, at, n);
                    at += n;
                    left -= n;
                    if (left == 0) {
                        visitor.end(current);
                        afterContent(current.size());
                    }
                }
                case EXTENSION -> {
                    int n = (int) Math.min(end - at, left);
                    System.arraycopy(bytes, at, extension, extensionFill, n);
                    extensionFill += n;
                    at += n;
                    left -= n;
                    if (left == 0) {
                        extension();
                        afterContent(extensionFill);
                    }
                }
                case PADDING -> {
                    int n = (int) Math.min(end - at, left);
                    at += n;
                    left -= n;
                    if (left == 0) {
                        phase = Phase.HEADER;
                    }
                }
                case ENDED -> at = end; // what follows the end-of-archive block is not read by anyone
            }
        }
    }

    /** The input ended: refused unless the archive was complete (its end-of-archive block seen). */
    void finish() throws ArchiveRefusedException {
        if (phase != Phase.ENDED) {
            throw refused("ends inside an entry or before its end-of-archive block");
        }
    }

    boolean ended() {
        return phase == Phase.ENDED;
    }

    private void afterContent(long size) {
        left = (BLOCK - size % BLOCK) % BLOCK;
        phase = left == 0 ? Phase.HEADER : Phase.PADDING;
    }

    private void header() throws ArchiveRefusedException {
        if (first) {
            first = false;
            if (compressed(header)) {
                throw refused("is compressed");
            }
        }
        if (allZero(header)) {
            if (extended) {
                throw refused("ends after an extended header");
            }
            phase = Phase.ENDED;
            return;
        }
        if (!checksumOk(header)) {
            throw refused("has a header with a wrong checksum");
        }
        Format format = format(header);
        if (format == null) {
            throw refused("has a header that is neither ustar, GNU nor V7");
        }
        long size = size(header);
        if (size < 0) {
            throw refused("has a header whose size is not a number");
        }
        char raw = (char) header[156];
        char type = raw == 0 ? '0' : raw;
        if (type == 'g') {
            throw refused("has a pax global header");
        }
        if (type == 'x' || type == 'L' || type == 'K') {
            if (extended) {
                throw refused("has two extended headers before one entry");
            }
            extended = true;
            if (size > MAX_EXTENSION_BYTES) {
                throw refused("has an extended header of " + size + " bytes");
            }
            extension = new byte[(int) size];
            extensionFill = 0;
            extensionType = type;
            left = size;
            if (size == 0) {
                extension();
                phase = Phase.HEADER;
            } else {
                phase = Phase.EXTENSION;
            }
            return;
        }
        String name = nextName != null ? nextName : name(header, format);
        String link = nextLink != null ? nextLink : field(header, 157, 100);
        nextName = null;
        nextLink = null;
        extended = false;
        if (name.endsWith("/") && raw == 0) {
            type = '5'; // Go: only the old type 0 becomes a directory by its name
        } else if (name.endsWith("/") && type != '5') {
            throw refused("has a " + (type == '0' ? "regular file" : "type " + type + " entry") + " named "
                    + name + " like a directory");
        }
        if (type == '7') {
            type = '0'; // contiguous file: a regular file to every reader
        }
        if (type >= '1' && type <= '6') {
            if (size != 0) {
                throw refused("has a type " + type + " entry " + name + " with a size");
            }
        }
        current = new Entry(name, type, size, link);
        visitor.begin(current);
        if (size == 0) {
            visitor.end(current);
            phase = Phase.HEADER;
        } else {
            left = size;
            phase = Phase.CONTENT;
        }
    }

    /** Applies a finished pax or GNU record to the next entry. */
    private void extension() throws ArchiveRefusedException {
        if (extensionType == 'L' || extensionType == 'K') {
            String value = cString(extension, 0, extensionFill);
            if (extensionType == 'L') {
                nextName = value;
            } else {
                nextLink = value;
            }
            return;
        }
        int at = 0;
        while (at < extensionFill) {
            int space = at;
            while (space < extensionFill && extension[space] != ' ') {
                space++;
            }
            int length = digits(extension, at, space);
            int recordEnd = at + length;
            if (space == extensionFill || length < 0 || recordEnd > extensionFill || recordEnd - 1 <= space
                    || extension[recordEnd - 1] != '\n') {
                throw refused("has a malformed pax record");
            }
            String record = new String(extension, space + 1, recordEnd - 1 - (space + 1), StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals < 0) {
                throw refused("has a malformed pax record");
            }
            String key = record.substring(0, equals);
            String value = record.substring(equals + 1);
            switch (key) {
                case "path" -> nextName = value;
                case "linkpath" -> nextLink = value;
                case "size" -> throw refused("has a pax size (this PC reads sizes from the headers only)");
                default -> {
                    if (key.startsWith("GNU.sparse")) {
                        throw refused("has a sparse file");
                    }
                }
            }
            at = recordEnd;
        }
    }

    /** The decimal number in {@code bytes[from, to)}; -1 when it is not one (or is too long to be a length). */
    private static int digits(byte[] bytes, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return -1;
            }
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }

    private ArchiveRefusedException refused(String why) {
        return new ArchiveRefusedException(what + " " + why);
    }

    /** The header formats this reader accepts, told apart as Go's reader tells them. */
    enum Format { USTAR, GNU, V7 }

    /** The header's format; null for one this reader refuses (STAR, unknown magic or version). */
    static Format format(byte[] h) {
        String magic = new String(h, 257, 6, StandardCharsets.ISO_8859_1);
        String version = new String(h, 263, 2, StandardCharsets.ISO_8859_1);
        boolean starTrailer = h[508] == 't' && h[509] == 'a' && h[510] == 'r' && h[511] == 0;
        if (magic.equals("ustar\0") && version.equals("00")) {
            return starTrailer ? null : Format.USTAR;
        }
        if (magic.equals("ustar ") && version.equals(" \0")) {
            return Format.GNU;
        }
        return magic.chars().allMatch(c -> c == 0) && version.chars().allMatch(c -> c == 0) ? Format.V7 : null;
    }

    /** The entry's name: ustar's prefix and name joined as Go's reader joins them; GNU and V7 have no prefix. */
    private static String name(byte[] h, Format format) {
        String name = field(h, 0, 100);
        String prefix = format == Format.USTAR ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Whether the bytes start like a gzip, bzip2, xz or zstd stream, which podman would decompress first. */
    static boolean compressed(byte[] b) {
        return (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b
                || b[0] == 'B' && b[1] == 'Z' && b[2] == 'h'
                || (b[0] & 0xff) == 0xfd && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z' && b[5] == 0
                || (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f && (b[3] & 0xff) == 0xfd;
    }

    /** The size field, octal or base-256; -1 when it is neither. */
    static long size(byte[] h) {
        if ((h[124] & 0x80) != 0) {
            if ((h[124] & 0x7f) != 0 || h[125] != 0 || h[126] != 0 || h[127] != 0 || (h[128] & 0x80) != 0) {
                return -1;
            }
            long size = 0;
            for (int i = 128; i < 136; i++) {
                size = size << 8 | h[i] & 0xff;
            }
            return size;
        }
        String digits = new String(h, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim();
        if (digits.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean checksumOk(byte[] h) {
        String digits = new String(h, 148, 8, StandardCharsets.US_ASCII).replace("\0", "").trim();
        long expected;
        try {
            expected = Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            return false;
        }
        long unsigned = 0;
        long signed = 0; // some old writers summed signed bytes; Go accepts either
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += i >= 148 && i < 156 ? ' ' : h[i];
        }
        return expected == unsigned || expected == signed;
    }

    private static String field(byte[] h, int at, int length) {
        return cString(h, at, length);
    }

    private static String cString(byte[] bytes, int at, int length) {
        int end = at;
        while (end < at + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, at, end - at, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] block) {
        return Arrays.equals(block, new byte[BLOCK]);
    }
}
