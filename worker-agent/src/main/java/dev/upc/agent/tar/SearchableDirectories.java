package dev.upc.agent.tar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tar archive as it streams by, with every directory entry made searchable by everyone ({@code a+x}, nothing else
 * changed). podman exports a checkpoint's {@code checkpoint/} directory with mode {@code 0600}, which
 * only the host's root can enter; a container's root in a user namespace, from which CRIU reads some images during a
 * restore, cannot. Headers are parsed only to find where each entry's content ends; an archive that cannot be parsed
 * is passed on as it is for the reader to refuse.
 */
public final class SearchableDirectories extends InputStream {

    private static final int BLOCK = UstarHeader.BLOCK;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    private int headerAt = BLOCK;
    /** Bytes of the current entry's content and padding still to copy through. */
    private long content;
    private boolean copying;

    public SearchableDirectories(InputStream in) {
        this.in = in;
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
        if (headerAt < BLOCK) { // a header read and decided on, not yet handed out
            int n = Math.min(length, BLOCK - headerAt);
            System.arraycopy(header, headerAt, buffer, offset, n);
            headerAt += n;
            return n;
        }
        if (copying) {
            return in.read(buffer, offset, length);
        }
        if (content > 0) {
            int n = in.read(buffer, offset, (int) Math.min(length, content));
            if (n > 0) {
                content -= n;
            }
            return n;
        }
        while (headerFill < BLOCK) {
            int n = in.read(header, headerFill, BLOCK - headerFill);
            if (n < 0) {
                copying = true; // a truncated archive: hand on what there is
                headerAt = BLOCK - headerFill;
                System.arraycopy(header, 0, header, headerAt, headerFill);
                headerFill = 0;
                return headerAt == BLOCK ? -1 : read(buffer, offset, length);
            }
            headerFill += n;
        }
        headerFill = 0;
        headerAt = 0;
        long size = EntryRewrite.size(header);
        if (size < 0 || Arrays.equals(header, new byte[BLOCK])) {
            copying = true; // the end of the archive, or something this class does not parse
        } else {
            content = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (header[156] == '5') {
                searchable();
            }
        }
        return read(buffer, offset, length);
    }

    /** Adds search permission for everyone (the container's root is "other" to a host-owned directory). */
    private void searchable() {
        String digits = new String(header, 100, 8, StandardCharsets.US_ASCII).replace("\0", "").trim();
        int mode;
        try {
            mode = Integer.parseInt(digits, 8);
        } catch (NumberFormatException e) {
            return;
        }
        int searchable = mode | 0111;
        if (searchable == mode) {
            return;
        }
        byte[] field = String.format("%07o", searchable).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, header, 100, 7);
        header[107] = 0;
        byte[] fixed = EntryRewrite.withSize(header, EntryRewrite.size(header)); // recomputes the checksum
        System.arraycopy(fixed, 0, header, 0, BLOCK);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
