package dev.upc.store.blob;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.store.config.StoreConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Blobs as files {@code <directory>/<kind>/<id>}: a {@link BlobFileHeader} (size, sha256, created) followed by
 * the content.
 *
 * <p>Put: the body streams into {@code .upload-<uuid>} in the same directory (with direct I/O where the file
 * system allows, see {@link DirectUploadFile}) while its sha256 is computed by the {@link BlobSource}; the file
 * is fsynced, then hard-linked to its final name. {@code link(2)} fails when the name exists, so of
 * concurrent puts of one id exactly one creates it and the others compare digests (same: no-op, different:
 * conflict), without locks and even across processes. The directory is fsynced before the put returns.
 *
 * <p>Follow: while a put is in progress, {@link #live} hands out its {@link LiveUpload}, whose readers read the
 * temp file as it grows and end with the commit; the first of concurrent puts of one id is the one followed.
 *
 * <p>Get: content is checked against the recorded sha256 before the blob is handed out, so a damaged blob is
 * never served, not even its first byte (the REST layer sends files zero-copy, so it cannot check while
 * sending). A full check costs a read of the file, so its result is remembered per file together with the
 * file's inode, size, mtime and ctime: any write to the file changes these and forces a new check. A blob
 * this process just wrote is remembered as checked (its digest was computed from the very bytes written), so
 * the usual put-then-get of a migration pays nothing. Corruption that changes no metadata (media decay) is
 * caught when the remembered check expires ({@code upc.store.verified-ttl}) or after a restart.
 *
 * <p>Assumes it is the only process writing the directory's temp files: at start it deletes all of them.
 */
@ApplicationScoped
public class FileBlobStore implements BlobStore {

    private static final Logger LOG = Logger.getLogger(FileBlobStore.class);
    private static final String UPLOAD_PREFIX = ".upload-";
    private static final String PROBE_PREFIX = ".ready-";
    private static final int COPY_BUFFER_BYTES = 1024 * 1024;
    private static final int REMEMBERED_CHECKS = 4096;
    private static final HexFormat HEX = HexFormat.of();

    private final Path root;
    private final Clock clock;
    private final Duration verifiedTtl;
    /** Cleared at the first upload the filesystem refuses direct I/O for: it is not asked again for every put. */
    private volatile boolean directIo;
    private final Counter corruptBlobs;
    /** Puts in progress that a reader may follow (the first of concurrent puts of one id). */
    private final Map<BlobKey, LiveUpload> live = new ConcurrentHashMap<>();
    private final Map<Path, Verified> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Verified> eldest) {
            return size() > REMEMBERED_CHECKS;
        }
    };

    public FileBlobStore(StoreConfig config, Clock clock, MeterRegistry meters) {
        this.root = config.directory().toAbsolutePath();
        this.clock = clock;
        this.verifiedTtl = config.verifiedTtl();
        this.directIo = config.directIo();
        this.corruptBlobs = Counter.builder("upc.store.corrupt.blobs")
                .description("Blobs found not to match their recorded sha256 (or with a damaged header); never served")
                .register(meters);
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        int removed = removeOrphanedUploads();
        LOG.infof("blob store at %s; removed %d orphaned temp files", root, removed);
    }

    /** Deletes temp files left by uploads that never committed (crash, kill -9). */
    public int removeOrphanedUploads() throws IOException {
        return removeTempFiles(file -> true);
    }

    @Override
    public int removeAbandonedUploads(Instant lastWrittenBefore) throws IOException {
        return removeTempFiles(file -> Files.getLastModifiedTime(file).toInstant().isBefore(lastWrittenBefore));
    }

    private interface TempFileFilter {
        boolean remove(Path file) throws IOException;
    }

    private int removeTempFiles(TempFileFilter filter) throws IOException {
        int removed = 0;
        List<Path> dirs = new ArrayList<>();
        dirs.add(root);
        for (BlobKind kind : BlobKind.values()) {
            dirs.add(kindDirectory(kind));
        }
        for (Path dir : dirs) {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, FileBlobStore::isTempFile)) {
                for (Path file : files) {
                    try {
                        if (filter.remove(file) && Files.deleteIfExists(file)) {
                            removed++;
                        }
                    } catch (NoSuchFileException finishedMeanwhile) {
                        // its upload committed or cleaned up while we looked
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public PutResult put(BlobKey key, BlobSource content, Optional<String> expectedSha256, boolean followed)
            throws IOException {
        Path dir = kindDirectory(key.kind());
        Path temp = dir.resolve(UPLOAD_PREFIX + UUID.randomUUID());
        LiveUpload upload = new LiveUpload(key, temp);
        boolean followable = live.putIfAbsent(key, upload) == null;
        try {
            BlobFileHeader header = receive(key, content, temp, upload, followed);
            String actual = header.sha256Hex();
            if (expectedSha256.isPresent() && !expectedSha256.get().equals(actual)) {
                throw new DigestMismatchException(key, expectedSha256.get(), actual);
            }
            PutResult result = commit(key, temp, header); // same digest, or a conflict
            upload.commit(result.info());
            return result;
        } catch (IOException | RuntimeException e) {
            upload.fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            throw e;
        } finally {
            if (followable) {
                live.remove(key, upload);
            }
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<LiveUpload> live(BlobKey key) {
        return Optional.ofNullable(live.get(key));
    }

    private BlobFileHeader receive(BlobKey key, BlobSource content, Path temp, LiveUpload upload, boolean followed)
            throws IOException {
        long size = 0;
        try (UploadFile out = openUpload(temp, followed)) {
            upload.receiving(out);
            while (true) {
                ByteBuffer bytes;
                try {
                    bytes = content.next();
                } catch (IOException e) {
                    throw new UploadAbortedException("upload of " + key + " aborted after " + size + " bytes: "
                            + e.getMessage(), e);
                }
                if (bytes == null) {
                    break;
                }
                size += bytes.remaining();
                out.append(bytes);
                upload.advanced();
            }
            BlobFileHeader header = new BlobFileHeader(BlobFileHeader.FORMAT_VERSION, size,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS), content.sha256());
            out.finish(header.encode());
            return header;
        } catch (IOException e) {
            if (isOutOfSpace(e)) {
                throw new InsufficientStorageException("not enough disk space to store " + key + " (" + size
                        + " bytes received); nothing was stored", e);
            }
            throw e;
        }
    }

    private UploadFile openUpload(Path temp, boolean followed) throws IOException {
        if (directIo && !followed) {
            Optional<UploadFile> direct = DirectUploadFile.open(temp, BlobFileHeader.LENGTH);
            if (direct.isPresent()) {
                return direct.get();
            }
            directIo = false;
            LOG.infof("the filesystem of %s does not do direct I/O: uploads go through the page cache", root);
        }
        return BufferedUploadFile.open(temp, BlobFileHeader.LENGTH);
    }

    private PutResult commit(BlobKey key, Path temp, BlobFileHeader header) throws IOException {
        Path target = file(key);
        BlobInfo info = info(key, header);
        while (true) {
            try {
                Files.createLink(target, temp);
                // Unlink before remembering the check: dropping a link changes the inode's ctime.
                Files.delete(temp);
                fsyncDirectory(target.getParent());
                remember(target);
                return new PutResult(info, true);
            } catch (FileAlreadyExistsException exists) {
                Optional<PutResult> outcome = compareWithExisting(key, temp, header);
                if (outcome.isPresent()) {
                    return outcome.get();
                }
                // The existing blob was deleted meanwhile: try to create it again.
            }
        }
    }

    /** Empty when the existing blob vanished; otherwise the no-op, a repair, or a conflict. */
    private Optional<PutResult> compareWithExisting(BlobKey key, Path temp, BlobFileHeader uploaded)
            throws IOException {
        Path target = file(key);
        try {
            Blob existing = get(key);
            if (existing.info().sha256().equals(uploaded.sha256Hex()) && existing.info().size() == uploaded.size()) {
                return Optional.of(new PutResult(existing.info(), false));
            }
            throw new BlobConflictException(key, existing.info().sha256(), uploaded.sha256Hex());
        } catch (BlobNotFoundException gone) {
            return Optional.empty();
        } catch (CorruptBlobException corrupt) {
            // The caller holds good bytes for a blob whose stored copy is damaged: replace it. Only possible
            // because a corrupt blob is never served, so nobody can depend on the damaged version.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(target.getParent());
            remember(target);
            LOG.warnf("replaced corrupt %s with a fresh upload of sha256 %s", key, uploaded.sha256Hex());
            return Optional.of(new PutResult(info(key, uploaded), true));
        }
    }

    @Override
    public Blob get(BlobKey key) throws IOException {
        Path file = file(key);
        try {
            FileStamp stamp = FileStamp.of(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                BlobFileHeader header;
                try {
                    header = readHeader(key, channel);
                } catch (CorruptBlobException e) {
                    throw corrupt(file, e);
                }
                long expectedLength = BlobFileHeader.LENGTH + header.size();
                if (channel.size() != expectedLength) {
                    throw corrupt(file, new CorruptBlobException(key, "file is " + channel.size()
                            + " bytes but its header records " + expectedLength));
                }
                if (!isRemembered(file, stamp)) {
                    String actual = digest(channel, header.size());
                    if (!actual.equals(header.sha256Hex())) {
                        throw corrupt(file, new CorruptBlobException(key, header.sha256Hex(), actual));
                    }
                    remember(file, stamp);
                }
                return new Blob(info(key, header), file, BlobFileHeader.LENGTH);
            }
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(key);
        }
    }

    @Override
    public Optional<BlobInfo> stat(BlobKey key) throws IOException {
        try (FileChannel channel = FileChannel.open(file(key), StandardOpenOption.READ)) {
            return Optional.of(info(key, readHeader(key, channel)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(BlobKey key) throws IOException {
        Path file = file(key);
        boolean existed = Files.deleteIfExists(file);
        forget(file);
        if (existed) {
            fsyncDirectory(file.getParent());
        }
        return existed;
    }

    @Override
    public BlobPage list(BlobKind kind, String prefix, Optional<String> after, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        Path dir = kindDirectory(kind);
        if (!Files.isDirectory(dir)) {
            return new BlobPage(List.of(), Optional.empty());
        }
        // The smallest limit + 1 ids after the cursor, in a max-heap: memory follows the page, not the directory, and
        // only the page's headers are read. The one id beyond the page says that another page follows.
        int wanted = limit == Integer.MAX_VALUE ? limit : limit + 1;
        PriorityQueue<String> smallest = new PriorityQueue<>(Comparator.reverseOrder());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> {
            String id = f.getFileName().toString();
            return id.startsWith(prefix) && BlobKey.isValidId(id) && after.map(a -> id.compareTo(a) > 0).orElse(true);
        })) {
            for (Path file : files) {
                String id = file.getFileName().toString();
                if (smallest.size() < wanted) {
                    smallest.add(id);
                } else if (id.compareTo(smallest.peek()) < 0) {
                    smallest.poll();
                    smallest.add(id);
                }
            }
        }
        List<String> ids = new ArrayList<>(smallest);
        ids.sort(Comparator.naturalOrder());
        Optional<String> continueAfter = Optional.empty();
        if (ids.size() > limit) {
            ids = ids.subList(0, limit);
            continueAfter = Optional.of(ids.get(limit - 1));
        }
        List<BlobInfo> blobs = new ArrayList<>(ids.size());
        for (String id : ids) {
            try {
                stat(new BlobKey(kind, id)).ifPresent(blobs::add);
            } catch (CorruptBlobException e) {
                LOG.warn(e.getMessage());
            }
        }
        return new BlobPage(blobs, continueAfter);
    }

    @Override
    public long count(BlobKind kind) throws IOException {
        Path dir = kindDirectory(kind);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long count = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                f -> BlobKey.isValidId(f.getFileName().toString()))) {
            for (Path ignored : files) {
                count++;
            }
        }
        return count;
    }

    private Path kindDirectory(BlobKind kind) {
        return root.resolve(kind.pathSegment());
    }

    private Path file(BlobKey key) {
        return kindDirectory(key.kind()).resolve(key.id());
    }

    private static boolean isTempFile(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(UPLOAD_PREFIX) || name.startsWith(PROBE_PREFIX);
    }

    private static BlobInfo info(BlobKey key, BlobFileHeader header) {
        return new BlobInfo(key.kind(), key.id(), header.size(), header.sha256Hex(), header.createdAt());
    }

    private static BlobFileHeader readHeader(BlobKey key, FileChannel channel) throws IOException {
        try {
            return BlobFileHeader.read(channel);
        } catch (EOFException | IllegalStateException e) {
            throw new CorruptBlobException(key, "bad header: " + e.getMessage());
        }
    }

    private CorruptBlobException corrupt(Path file, CorruptBlobException e) {
        forget(file);
        corruptBlobs.increment();
        LOG.error(e.getMessage());
        return e;
    }

    private static String digest(FileChannel channel, long size) throws IOException {
        MessageDigest sha256 = BlobSource.newSha256();
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER_BYTES);
        long position = BlobFileHeader.LENGTH;
        long end = position + size;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                break;
            }
            position += n;
            sha256.update(buffer.flip());
        }
        return HEX.formatHex(sha256.digest());
    }

    private void remember(Path file) throws IOException {
        remember(file, FileStamp.of(file));
    }

    private void remember(Path file, FileStamp stamp) {
        synchronized (verified) {
            verified.put(file, new Verified(stamp, clock.instant()));
        }
    }

    private boolean isRemembered(Path file, FileStamp stamp) {
        synchronized (verified) {
            Verified check = verified.get(file);
            return check != null && check.stamp().equals(stamp)
                    && check.at().plus(verifiedTtl).isAfter(clock.instant());
        }
    }

    private void forget(Path file) {
        synchronized (verified) {
            verified.remove(file);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Makes a link, rename or unlink in {@code dir} durable. */
    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static boolean isOutOfSpace(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }

    private record Verified(FileStamp stamp, Instant at) {
    }

    /** What changes whenever a file's bytes are written through the kernel: inode, size, mtime, ctime. */
    private record FileStamp(Object inode, long size, Object modified, Object changed) {

        static FileStamp of(Path file) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(file, "unix:ino,size,lastModifiedTime,ctime");
            return new FileStamp(attributes.get("ino"), (Long) attributes.get("size"),
                    attributes.get("lastModifiedTime"), attributes.get("ctime"));
        }
    }
}
