package dev.upc.agent.job;

import dev.upc.agent.control.StoreClient;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.tar.OneFileTar;
import dev.upc.agent.tar.UstarHeader;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobInput;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Puts a job's input files into its container after create and before start: jobs have no network and no host
 * mounts. Each file streams from the store ({@code inputs/<blobId>}, with a read capability from the scheduler),
 * checked against the sha256 the job names, straight into libpod's archive upload as a tar made on the fly: nothing
 * is held in memory or written on this PC besides the container itself.
 */
final class InputFiles {

    private static final Logger LOG = Logger.getLogger(InputFiles.class);

    private final LibpodClient libpod;
    private final StoreClient store;
    private final BlobTokens tokens;
    private final Clock clock;

    InputFiles(LibpodClient libpod, StoreClient store, BlobTokens tokens, Clock clock) {
        this.libpod = libpod;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * Copies every input into the created container {@code name}.
     *
     * @throws InputFileException naming the input that could not be copied, and why
     */
    void copyInto(String name, List<JobInput> inputs) {
        for (JobInput input : inputs) {
            long started = System.nanoTime();
            try {
                copy(name, input);
            } catch (IOException | RuntimeException e) {
                throw new InputFileException(input.path(), Failures.describe(e), e);
            }
            LOG.infof("container=%s input=%s blob=inputs/%s bytes=%d copied in %d ms", name, input.path(),
                    input.blobId(), input.sizeBytes(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    private void copy(String name, JobInput input) throws IOException {
        if (!input.hasPlainPath()) {
            throw new IllegalArgumentException("not a plain absolute file path");
        }
        if (input.blobId() == null || input.blobId().isBlank()) {
            throw new IllegalArgumentException("the scheduler named no blob for it");
        }
        String path = input.path().substring(1);
        UstarHeader.checkFits(path); // before any transfer: a path tar cannot hold fails the same every time
        List<String> directories = missingParents(name, input.path());
        String token = tokens.token(BlobKind.INPUTS, input.blobId(), BlobCapability.READ);
        try (StoreClient.Download blob = store.get(BlobKind.INPUTS, input.blobId(), token)) {
            if (!input.sha256().equals(blob.sha256Hex())) {
                throw new IllegalStateException("the store holds inputs/" + input.blobId() + " with sha256 "
                        + blob.sha256Hex() + ", the job names " + input.sha256());
            }
            if (blob.length() != input.sizeBytes()) {
                throw new IllegalStateException("the store holds inputs/" + input.blobId() + " with " + blob.length()
                        + " bytes, the job names " + input.sizeBytes());
            }
            OneFileTar tar = new OneFileTar(directories, path, input.mode(), input.sizeBytes(), blob,
                    clock.instant().getEpochSecond());
            libpod.copyIn(name, "/", tar, tar.length());
        }
    }

    /**
     * The parent directories of {@code path} the container's file system lacks, outermost first and relative. Only
     * those go into the tar: an entry for an existing directory would replace its mode and times (e.g. make /tmp
     * 0755), verified with podman 4.3.1.
     */
    private List<String> missingParents(String name, String path) {
        List<String> missing = new ArrayList<>();
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            String parent = path.substring(0, slash);
            if (libpod.pathExists(name, parent)) {
                break; // and so do the ones above it
            }
            missing.add(parent.substring(1));
        }
        Collections.reverse(missing);
        for (String directory : missing) {
            UstarHeader.checkFits(directory + "/");
        }
        return missing;
    }

    /** An input file could not be put into the container; the message names it. */
    static final class InputFileException extends IllegalStateException {

        InputFileException(String path, String reason, Throwable cause) {
            super("input " + path + " could not be copied into the container: " + reason, cause);
        }
    }
}
