package dev.upc.agent.tar;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A tar archive of one regular file and the directories it needs, made as it is read: the directory entries, the
 * file's header, its content streamed from {@code content} (exactly {@code size} bytes, else the archive fails instead
 * of ending), padding, and the two zero blocks that end an archive. Memory use is a few blocks, whatever the size.
 */
public final class OneFileTar extends InputStream {

    private static final int END_BLOCKS = 2;

    private final byte[] head;
    private final InputStream content;
    private final long size;
    private final byte[] tail;
    private final String path;
    private int headAt;
    private long contentRead;
    private boolean contentEnded;
    private int tailAt;

    /**
     * @param directories  directory entries to make first, outermost first, relative (e.g. {@code data}, {@code data/in})
     * @param path         the file, relative (e.g. {@code data/in/x.csv})
     * @param mode         its permission bits
     * @param size         its exact size
     * @param content      its bytes; read to its end (so a verifying stream can check them), not closed
     * @param mtimeSeconds modification time of every entry
     * @throws IllegalArgumentException when a path does not fit a ustar header
     */
    public OneFileTar(List<String> directories, String path, int mode, long size, InputStream content,
                      long mtimeSeconds) {
        List<byte[]> headers = new ArrayList<>();
        for (String directory : directories) {
            headers.add(UstarHeader.directory(directory, 0755, mtimeSeconds));
        }
        headers.add(UstarHeader.file(path, mode, size, mtimeSeconds));
        this.head = new byte[headers.size() * UstarHeader.BLOCK];
        for (int i = 0; i < headers.size(); i++) {
            System.arraycopy(headers.get(i), 0, head, i * UstarHeader.BLOCK, UstarHeader.BLOCK);
        }
        this.content = content;
        this.size = size;
        this.tail = new byte[UstarHeader.padding(size) + END_BLOCKS * UstarHeader.BLOCK];
        this.path = path;
    }

    /** The archive's length in bytes. */
    public long length() {
        return head.length + size + tail.length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (headAt < head.length) {
            int n = Math.min(length, head.length - headAt);
            System.arraycopy(head, headAt, target, offset, n);
            headAt += n;
            return n;
        }
        if (!contentEnded) {
            if (contentRead < size) {
                int n = content.read(target, offset, (int) Math.min(length, size - contentRead));
                if (n < 0) {
                    throw new IOException("/" + path + " ended after " + contentRead + " of its " + size + " bytes");
                }
                contentRead += n;
                return n;
            }
            // the content must end here; reading its end also lets a verifying stream check its digest
            if (content.read() != -1) {
                throw new IOException("/" + path + " has more than its " + size + " bytes");
            }
            contentEnded = true;
        }
        if (tailAt < tail.length) {
            int n = Math.min(length, tail.length - tailAt);
            System.arraycopy(tail, tailAt, target, offset, n);
            tailAt += n;
            return n;
        }
        return -1;
    }
}
