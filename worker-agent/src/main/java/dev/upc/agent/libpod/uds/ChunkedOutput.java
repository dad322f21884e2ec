package dev.upc.agent.libpod.uds;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 chunked transfer encoding of a body of unknown length. Each write becomes one chunk. */
final class ChunkedOutput extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;
    private boolean finished;

    ChunkedOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return; // a zero-length chunk would end the body
        }
        out.write(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(bytes, offset, length);
        out.write(CRLF);
    }

    /** Writes the last chunk. The underlying stream stays open for the response. */
    void finish() throws IOException {
        if (!finished) {
            finished = true;
            out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
        }
        out.flush();
    }
}
