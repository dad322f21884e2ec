package dev.upc.agent.control;

import dev.upc.agent.json.JsonException;
import dev.upc.agent.json.JsonRecords;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobHeaders;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * Streams blobs to and from the checkpoint store with a capability token, hashing on the fly: an upload is checked
 * against the digest the store computed, a download against the blob's ETag before its last byte is handed on. Memory
 * use is one copy buffer, whatever the size.
 */
public final class StoreClient {

    private static final int BUFFER = 1 << 20;
    private static final int WARM_UP_MIB = 4;
    /** The store answers a PUT after fsyncing the whole blob: allow for a slow disk. */
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final URI store;
    private final Http http;

    public StoreClient(URI store) {
        this(store, null);
    }

    /** @param tls what https connections trust ({@link dev.upc.protocol.tls.TrustedCertificates}), or null for the JVM's certificates */
    public StoreClient(URI store, SSLSocketFactory tls) {
        this.store = store;
        this.http = new Http(tls);
    }

    /**
     * Streams {@code content} into the blob.
     *
     * @param length the content's size, or -1 when it is not known in advance (sent chunked)
     * @throws ControlPlaneException 409 when a different blob already has this id, 507 when the store is full
     */
    public BlobInfo put(BlobKind kind, String id, String token, InputStream content, long length) {
        return put(kind, id, token, content, length, false);
    }

    /**
     * {@link #put(BlobKind, String, String, InputStream, long)}, telling the store whether a reader will
     * {@link #follow} the upload ({@link BlobHeaders#FOLLOWED}).
     */
    public BlobInfo put(BlobKind kind, String id, String token, InputStream content, long length, boolean followed) {
        URI uri = blob(kind, id);
        HttpURLConnection connection = http.open("PUT", uri, token, TRANSFER_TIMEOUT);
        MessageDigest sha256 = sha256();
        long sent = 0;
        try {
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/octet-stream");
            if (followed) {
                connection.setRequestProperty(BlobHeaders.FOLLOWED, "true");
            }
            if (length >= 0) {
                connection.setFixedLengthStreamingMode(length);
            } else {
                connection.setChunkedStreamingMode(BUFFER);
            }
            byte[] buffer = new byte[BUFFER];
            try (OutputStream out = connection.getOutputStream()) {
                int n;
                while ((n = content.read(buffer)) > 0) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    sent += n;
                }
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw http.failure("PUT", uri, connection, status, null);
            }
            BlobInfo info;
            try (InputStream in = connection.getInputStream()) {
                info = JsonRecords.read(in.readAllBytes(), BlobInfo.class);
            } catch (JsonException e) {
                throw new IOException("the store's answer is not a blob's info: " + e.getMessage(), e);
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            if (info.size() != sent || !digest.equals(info.sha256())) {
                throw new ControlPlaneException("the store stored " + info.size() + " bytes with sha256 " + info.sha256()
                        + " for " + kind.pathSegment() + "/" + id + " but " + sent + " bytes with sha256 " + digest
                        + " were sent", 0, "digest_mismatch", null);
            }
            return info;
        } catch (IOException e) {
            connection.disconnect();
            throw new ControlPlaneException("upload of " + kind.pathSegment() + "/" + id + " failed after " + sent
                    + " bytes: " + e.getMessage(), 0, null, e);
        }
    }

    /** The blob's size and sha256 if it exists. */
    public Optional<BlobInfo> head(BlobKind kind, String id, String token) {
        URI uri = blob(kind, id);
        HttpURLConnection connection = http.open("HEAD", uri, token, CALL_TIMEOUT);
        try {
            int status = connection.getResponseCode();
            if (status == 404) {
                return Optional.empty();
            }
            if (status / 100 != 2) {
                throw http.failure("HEAD", uri, connection, status, null);
            }
            return Optional.of(new BlobInfo(kind, id, connection.getContentLengthLong(),
                    unquote(connection.getHeaderField("ETag")), null));
        } catch (IOException e) {
            connection.disconnect();
            throw Http.unreachable("HEAD", uri, e);
        }
    }

    /**
     * Opens the blob for reading. The stream fails with an {@link IOException} instead of returning its end when the
     * bytes do not match the blob's sha256 or length, so a consumer that stops at end-of-stream (libpod's restore
     * reading a chunked upload) never sees a damaged archive as complete.
     */
    public Download get(BlobKind kind, String id, String token) {
        URI uri = blob(kind, id);
        HttpURLConnection connection = http.open("GET", uri, token, TRANSFER_TIMEOUT);
        try {
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw http.failure("GET", uri, connection, status, null);
            }
            return storedBlob(connection, uri, status, kind.pathSegment() + "/" + id);
        } catch (IOException e) {
            connection.disconnect();
            throw Http.unreachable("GET", uri, e);
        }
    }

    /** The body of a GET that answered with a stored blob: checked against its ETag and length at its end. */
    private static Download storedBlob(HttpURLConnection connection, URI uri, int status, String name)
            throws IOException {
        String sha = unquote(connection.getHeaderField("ETag"));
        long length = connection.getContentLengthLong();
        if (sha == null || length < 0) {
            connection.disconnect();
            throw new ControlPlaneException("GET " + uri.getPath() + ": the store sent no ETag or length", status,
                    null, null);
        }
        return new Download(connection.getInputStream(), name, length, sha, null);
    }

    /**
     * Opens the blob for reading while it may still be uploaded ({@link BlobHeaders#FOLLOW}): the bytes come as the
     * uploader sends them, and at their end the blob's committed length and sha256 are fetched with a HEAD and
     * checked like those of {@link #get}. Empty when there is neither the blob nor an upload of it yet.
     */
    public Optional<Download> follow(BlobKind kind, String id, String token) {
        URI uri = blob(kind, id);
        URI following = URI.create(uri + "?" + BlobHeaders.FOLLOW + "=true");
        HttpURLConnection connection = http.open("GET", following, token, TRANSFER_TIMEOUT);
        try {
            int status = connection.getResponseCode();
            if (status == 404) {
                connection.disconnect();
                return Optional.empty();
            }
            if (status / 100 != 2) {
                throw http.failure("GET", following, connection, status, null);
            }
            String name = kind.pathSegment() + "/" + id;
            if (connection.getHeaderField("ETag") != null) { // committed already: an ordinary GET
                return Optional.of(storedBlob(connection, following, status, name));
            }
            return Optional.of(new Download(connection.getInputStream(), name, -1, null, () -> {
                try {
                    return head(kind, id, token).orElseThrow(() -> new IOException(name + " ended but is not stored"));
                } catch (ControlPlaneException e) {
                    throw new IOException("cannot check " + name + " at its end: " + e.getMessage(), e);
                }
            }));
        } catch (IOException e) {
            connection.disconnect();
            throw Http.unreachable("GET", following, e);
        }
    }

    private URI blob(BlobKind kind, String id) {
        return store.resolve(ApiPaths.BLOB.replace("{kind}", kind.pathSegment()).replace("{id}", id));
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        return etag.startsWith("\"") && etag.endsWith("\"") && etag.length() >= 2
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    /**
     * Hashes a few MiB once, on a low-priority thread, so that the JIT has compiled SHA-256 (its intrinsic exists only
     * in C2) before the first checkpoint needs it. Measured here: the first 32 MiB hashed in a fresh JVM take 61 ms,
     * after 2 MiB of warm-up 21 ms, as every later one. A PC moves a job off rarely, so on most PCs every migration's
     * upload would otherwise pay the cold hash, on both ends.
     */
    public static void warmUpHashing() {
        Thread thread = new Thread(() -> {
            MessageDigest digest = sha256();
            byte[] block = new byte[BUFFER];
            for (int i = 0; i < WARM_UP_MIB; i++) {
                digest.update(block);
            }
            digest.digest();
        }, "upc-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** What a followed download learns about its blob when the bytes end. */
    interface Committed {
        BlobInfo get() throws IOException;
    }

    /**
     * A blob streaming in, verified against its length and sha256 when it ends: known from the start, or for a
     * followed upload learned at the end.
     */
    public static final class Download extends FilterInputStream {

        private final String name;
        private long length;
        private String expectedSha256;
        private final Committed atEnd;
        private final MessageDigest sha256 = sha256();
        private long received;
        private boolean verified;
        /** The sha256 the blob must have besides the store's word for it, or null. */
        private String required;

        Download(InputStream in, String name, long length, String expectedSha256, Committed atEnd) {
            super(in);
            this.name = name;
            this.length = length;
            this.expectedSha256 = expectedSha256;
            this.atEnd = atEnd;
        }

        /** The blob's length; -1 for a followed upload until its end. */
        public long length() {
            return length;
        }

        /** The blob's sha256; null for a followed upload until its end. */
        public synchronized String sha256Hex() {
            return expectedSha256;
        }

        /**
         * Requires the blob to be the one with this sha256 (the one its source reported when it stored it), not only
         * what the store says it is: a blob the store swapped then fails at its end. False when it is known already
         * to be another (the store said so, or its bytes all arrived).
         */
        public synchronized boolean require(String sha256) {
            required = sha256;
            return expectedSha256 == null || expectedSha256.equals(sha256);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            int n = super.read(target, offset, count);
            if (n > 0) {
                sha256.update(target, offset, n);
                received += n;
                if (length >= 0 && received > length) {
                    throw new IOException(name + ": more bytes than its length " + length);
                }
            } else if (n < 0 && !verified) {
                verify();
            }
            return n;
        }

        private void verify() throws IOException {
            BlobInfo committed = expectedSha256 == null ? atEnd.get() : null;
            synchronized (this) {
                if (committed != null) {
                    length = committed.size();
                    expectedSha256 = committed.sha256();
                }
                String actual = HexFormat.of().formatHex(sha256.digest());
                if (received != length || !actual.equals(expectedSha256)) {
                    throw new DamagedBlobException(name + " is damaged: got " + received + " bytes with sha256 " + actual
                            + ", expected " + length + " bytes with sha256 " + expectedSha256);
                }
                if (required != null && !required.equals(actual)) {
                    throw new DamagedBlobException(name + " is not the blob its source stored: sha256 " + actual
                            + ", the source reported " + required);
                }
                verified = true;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skipping would bypass the digest check of " + name);
        }
    }
}
