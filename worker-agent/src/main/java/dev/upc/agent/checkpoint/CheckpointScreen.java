package dev.upc.agent.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * A checkpoint archive checked as it streams to podman, which trusts what it restores: whoever wrote the archive
 * would otherwise choose the restored container's privileges, mounts and namespaces, and could write and remove
 * files of the restoring PC as root (podman 4.3 follows a symbolic link the archive made while it untars the
 * container's file changes; measured here: a crafted archive wrote a file under {@code /tmp} of the host and removed
 * a host directory). The archive is read exactly as podman reads it ({@link TarStream}); it may hold only the entries
 * a podman export has, as files and directories; {@code config.dump}, {@code spec.dump}, the file changes and the
 * deleted files are checked ({@link ContainerConfigCheck}, {@link RuntimeSpecCheck}, {@link RootfsDiffCheck}) and
 * CRIU's process images for credentials ({@link CriuImages}).
 *
 * <p>A refusal ends the stream with an {@link ArchiveRefusedException} instead of its last bytes. libpod stages the
 * whole body before it creates anything, so an archive that is refused, at whichever byte, restores nothing.
 */
public final class CheckpointScreen extends FilterInputStream {

    /** podman's dump files are ~20 KiB; anything much larger is not one podman wrote. */
    static final int MAX_DUMP_BYTES = 4 << 20;
    /** {@code /dev/shm}'s content, which podman untars into the new container's shm directory. */
    private static final String SHM_ENTRY = "devshm-checkpoint.tar";
    /** Files podman writes at the top of an export. */
    private static final Set<String> FILES = Set.of(ContainerConfigCheck.ENTRY, RuntimeSpecCheck.ENTRY,
            RootfsDiffCheck.DIFF_ENTRY, RootfsDiffCheck.DELETED_ENTRY, "network.status", "stats-dump", "ctr.log",
            SHM_ENTRY);
    /** Directories whose files (one level, no deeper) podman writes. */
    private static final Set<String> DIRECTORIES = Set.of("checkpoint", "artifacts");

    /**
     * What a job's own container would have here.
     *
     * @param files the job's image as this PC stores it, looked up once the archive has ended (the image may still
     *              be loading while it streams); null when this PC cannot tell, and the check is left out
     * @param userNamespace whether this PC runs jobs in a user namespace of its own, which it writes into the
     *                      archive: then the archive's id mappings and user namespace are accepted (and replaced)
     */
    public record Expected(String image, long maxLogBytes, long maxRlimit, ImageFiles files,
                           boolean userNamespace) {
    }

    private final Expected expected;
    private final TarStream outer;
    private final Set<String> seen = new HashSet<>();
    private final RootfsDiffCheck diff = new RootfsDiffCheck(RootfsDiffCheck.DIFF_ENTRY);
    private final TarStream diffTar = new TarStream(RootfsDiffCheck.DIFF_ENTRY, diff);
    private final TarStream shmTar = new TarStream(SHM_ENTRY, new RootfsDiffCheck(SHM_ENTRY));
    private final CriuImages criu = new CriuImages();
    private ByteArrayOutputStream held;
    private byte[] deletedFiles;
    private String imageId;
    private boolean finished;

    public CheckpointScreen(InputStream in, Expected expected) {
        super(in);
        this.expected = expected;
        this.outer = new TarStream("the archive", new Layout());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            outer.feed(buffer, offset, n);
        } else if (n < 0 && !finished) {
            finish();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a checkpoint archive is read whole to be checked");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The end of the input: the archive must be whole, with the entries podman needs. */
    private void finish() throws ArchiveRefusedException {
        finished = true;
        outer.finish();
        for (String required : new String[] {ContainerConfigCheck.ENTRY, RuntimeSpecCheck.ENTRY,
                "checkpoint/inventory.img"}) {
            if (!seen.contains(required)) {
                throw new ArchiveRefusedException("the archive has no " + required);
            }
        }
        if (deletedFiles != null) {
            diff.deleted(deletedFiles);
        }
        if (expected.files() != null) {
            String id;
            try {
                id = expected.files().id();
            } catch (IOException e) {
                throw new ArchiveRefusedException("cannot look up the job's image " + expected.image() + ": "
                        + e.getMessage());
            }
            if (!id.equals(imageId)) {
                throw new ArchiveRefusedException("config.dump names the image id " + imageId + ", the job's image "
                        + expected.image() + " is " + id + " here");
            }
            diff.throughImage(expected.files());
        }
        criu.finish();
    }

    /** The top of the archive, as podman's export lays it out. */
    private final class Layout implements TarStream.Visitor {

        private String name;

        @Override
        public void begin(TarStream.Entry entry) throws ArchiveRefusedException {
            name = ContainerPaths.clean(entry.name()).orElseThrow(
                    () -> new ArchiveRefusedException("the archive's entry " + entry.name() + " is outside it"));
            int slash = name.indexOf('/');
            boolean allowed = entry.directory() ? DIRECTORIES.contains(name)
                    : entry.regular() && (FILES.contains(name) || slash > 0 && name.indexOf('/', slash + 1) < 0
                            && DIRECTORIES.contains(name.substring(0, slash)));
            if (!allowed) {
                throw new ArchiveRefusedException("the archive has " + (entry.directory() ? "the directory "
                        : entry.regular() ? "the file " : "the tar type " + entry.type() + " entry ") + entry.name()
                        + ", which a podman export does not");
            }
            if (!seen.add(name)) {
                throw new ArchiveRefusedException("the archive has " + name + " twice");
            }
            if (name.equals(ContainerConfigCheck.ENTRY) || name.equals(RuntimeSpecCheck.ENTRY)
                    || name.equals(RootfsDiffCheck.DELETED_ENTRY)) {
                if (entry.size() > MAX_DUMP_BYTES) {
                    throw new ArchiveRefusedException("the archive's " + name + " has " + entry.size() + " bytes");
                }
                held = new ByteArrayOutputStream((int) entry.size());
            }
            criu.begin(name);
        }

        @Override
        public void content(byte[] bytes, int offset, int length) throws ArchiveRefusedException {
            if (held != null) {
                held.write(bytes, offset, length);
            } else if (name.equals(RootfsDiffCheck.DIFF_ENTRY)) {
                diffTar.feed(bytes, offset, length);
            } else if (name.equals(SHM_ENTRY)) {
                shmTar.feed(bytes, offset, length);
            } else {
                criu.content(bytes, offset, length);
            }
        }

        @Override
        public void end(TarStream.Entry entry) throws ArchiveRefusedException {
            switch (name) {
                case ContainerConfigCheck.ENTRY ->
                        imageId = ContainerConfigCheck.check(held.toByteArray(), expected.image(),
                                expected.maxLogBytes());
                case RuntimeSpecCheck.ENTRY -> RuntimeSpecCheck.check(held.toByteArray(), expected.maxRlimit(),
                        expected.userNamespace());
                case RootfsDiffCheck.DELETED_ENTRY -> deletedFiles = held.toByteArray();
                case RootfsDiffCheck.DIFF_ENTRY -> diffTar.finish();
                case SHM_ENTRY -> shmTar.finish();
                default -> criu.end();
            }
            held = null;
        }
    }
}
