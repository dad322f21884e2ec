package dev.upc.agent.libpod;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * A libpod response whose body is still on the wire. Close it to release the connection; reading
 * the body to the end is not required.
 */
public final class LibpodResponse implements Closeable {

    private final int status;
    private final Map<String, String> headers;
    private final InputStream body;
    private final Closeable connection;

    /** @param headers header names in lower case */
    public LibpodResponse(int status, Map<String, String> headers, InputStream body, Closeable connection) {
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.connection = connection;
    }

    public int status() {
        return status;
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as it arrives; end of stream is the end of the body. */
    public InputStream body() {
        return body;
    }

    /**
     * Reads the whole body, which must not exceed {@code limit} bytes: JSON answers are small, and a
     * misbehaving peer must not be able to exhaust the agent's heap.
     */
    public byte[] readBody(int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[8192];
        for (int n; (n = body.read(buffer)) != -1; ) {
            if (out.size() + n > limit) {
                throw new IOException("libpod response body exceeds " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
