package dev.upc.agent.libpod.uds;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body; end of stream after the last chunk and its trailers. */
final class ChunkedInput extends InputStream {

    private final ChannelInput in;
    private long chunkLeft;
    private boolean eof;

    ChunkedInput(ChannelInput in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (eof) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (chunkLeft == 0) {
            nextChunk();
            if (eof) {
                return -1;
            }
        }
        int n = in.read(target, offset, (int) Math.min(length, chunkLeft));
        if (n == -1) {
            throw new EOFException("connection closed inside a chunk (" + chunkLeft + " bytes missing)");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            expectEmptyLine("after a chunk");
        }
        return n;
    }

    private void nextChunk() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new EOFException("connection closed before the last chunk");
        }
        int extension = line.indexOf(';');
        String size = (extension >= 0 ? line.substring(0, extension) : line).trim();
        try {
            chunkLeft = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size line: " + line);
        }
        if (chunkLeft < 0) {
            throw new IOException("negative chunk size: " + line);
        }
        if (chunkLeft == 0) {
            String trailer;
            do {
                trailer = in.readLine();
            } while (trailer != null && !trailer.isEmpty());
            eof = true;
        }
    }

    private void expectEmptyLine(String where) throws IOException {
        String line = in.readLine();
        if (line == null || !line.isEmpty()) {
            throw new IOException("malformed chunked body: no CRLF " + where);
        }
    }
}
