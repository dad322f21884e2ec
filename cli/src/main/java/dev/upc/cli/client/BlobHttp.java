package dev.upc.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * Large bodies over HttpURLConnection: uploads with fixed-length streaming (the JDK HttpClient sends an InputStream at
 * only a few MiB/s), downloads straight into the caller's stream. Nothing is held in memory beyond one buffer.
 */
final class BlobHttp {

    private static final int BUFFER = 256 * 1024;
    /** The store hashes and commits a blob after its last byte: a big upload's answer may take a while. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    private static final long REPORT_EVERY_NANOS = 100_000_000L;

    private final Duration connectTimeout;
    private final SSLSocketFactory tls;

    BlobHttp(Duration connectTimeout, SSLContext tls) {
        this.connectTimeout = connectTimeout;
        this.tls = tls == null ? null : tls.getSocketFactory();
    }

    /** PUTs the file's bytes to {@code uri}; returns the 2xx answer's body. */
    byte[] put(Service service, URI uri, String bearer, Path file, Map<String, String> headers,
               TransferListener listener) {
        try (InputStream in = LocalFiles.open(file)) {
            long size = LocalFiles.size(file);
            HttpURLConnection connection = open(service, uri, "PUT", bearer);
            try {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(size);
                connection.setRequestProperty("Content-Type", "application/octet-stream");
                headers.forEach(connection::setRequestProperty);
                try (OutputStream out = connection.getOutputStream()) {
                    copy(in, out, size, listener);
                }
                return answer(uri, "PUT", connection);
            } catch (IOException e) {
                throw Failures.io(service, uri, e, connectTimeout);
            } finally {
                connection.disconnect();
            }
        } catch (IOException closing) {
            return new byte[0]; // only closing the file can land here, after the upload succeeded
        }
    }

    /** GETs {@code uri} into {@code out}; returns the number of bytes written. */
    long get(Service service, URI uri, String bearer, OutputStream out, TransferListener listener) {
        HttpURLConnection connection = open(service, uri, "GET", bearer);
        try {
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw Failures.status("GET", uri, status, readError(connection));
            }
            try (InputStream in = connection.getInputStream()) {
                return copy(in, new LocalSink(out), connection.getContentLengthLong(), listener);
            }
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        } finally {
            connection.disconnect();
        }
    }

    private HttpURLConnection open(Service service, URI uri, String method, String bearer) {
        return Connections.open(service, uri, method, bearer, connectTimeout, READ_TIMEOUT, tls);
    }

    private static byte[] answer(URI uri, String method, HttpURLConnection connection)
            throws IOException {
        int status = connection.getResponseCode();
        if (status / 100 != 2) {
            throw Failures.status(method, uri, status, readError(connection));
        }
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] readError(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getErrorStream()) {
            return in == null ? new byte[0] : in.readNBytes(64 * 1024);
        }
    }

    /** Copies until the end of {@code in}, telling the listener at most ten times a second and once at the end. */
    private static long copy(InputStream in, OutputStream out, long total, TransferListener listener)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        long done = 0;
        long lastReport = System.nanoTime();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            done += n;
            long now = System.nanoTime();
            if (now - lastReport >= REPORT_EVERY_NANOS) {
                listener.transferred(done, total);
                lastReport = now;
            }
        }
        out.flush();
        listener.transferred(done, total);
        return done;
    }

    /**
     * The caller's stream a download is written to: its failures (a full disk, a closed pipe) are local, not the
     * connection's, and leave as {@link java.io.UncheckedIOException} so they are not reported as network trouble.
     */
    private static final class LocalSink extends OutputStream {
        private final OutputStream out;

        LocalSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the download: " + e.getMessage(), e);
            }
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the download: " + e.getMessage(), e);
            }
        }
    }
}
