package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageList;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.UploadGrant;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.client.StoreClient;
import dev.upc.scheduler.config.SchedulerConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * What clients put into the store themselves, with a capability the scheduler grants for exactly one blob: job images
 * (a user only in its own name space, {@code [host/]<user>/NAME}; admins anywhere; immutable once recorded, because a
 * checkpoint restores only onto the image it was taken with) and jobs' input files (by content, in the owner's name
 * space, so the same file goes up once).
 */
@ApplicationScoped
public class Uploads {

    private final Pool pool;
    private final ImageStore images;
    private final StoreClient store;
    private final CapabilityTokens capabilities;
    private final SchedulerConfig config;
    private final Clock clock;

    Uploads(Pool pool, ImageStore images, StoreClient store, CapabilityTokens capabilities, SchedulerConfig config,
            Clock clock) {
        this.pool = pool;
        this.images = images;
        this.store = store;
        this.capabilities = capabilities;
        this.config = config;
        this.clock = clock;
    }

    /** A grant to PUT the image's archive; 409 when the reference is taken. */
    public Uni<UploadGrant> imageUpload(Caller caller, String reference) {
        requireNameSpace(caller, reference);
        String blobId = ImageArchive.blobId(reference);
        return images.find(pool, reference).chain(recorded -> {
            if (recorded != null) {
                return Uni.createFrom().failure(imageExists(reference, recorded));
            }
            return grant(caller, BlobKind.IMAGES, blobId);
        });
    }

    /** Records an image whose archive is in the store; the same content again is fine, other content is 409. */
    public Uni<ImageInfo> recordImage(Caller caller, String reference) {
        requireNameSpace(caller, reference);
        String blobId = ImageArchive.blobId(reference);
        return requireStore().head(BlobKind.IMAGES, blobId).chain(head -> {
            if (head.isEmpty()) {
                return Uni.createFrom().failure(SchedulerException.conflict("image_not_uploaded", "the archive of "
                        + reference + " is not in the store: upload it with the grant of POST /api/v1/images/uploads"));
            }
            ImageInfo image = new ImageInfo(reference, caller.name(), blobId, head.get().size(), head.get().sha256(),
                    clock.instant());
            return images.record(pool, image).map(stored -> {
                if (!stored.sha256().equals(image.sha256())) {
                    throw imageExists(reference, stored);
                }
                return stored;
            });
        });
    }

    public Uni<ImageList> images(int limit, String cursor) {
        String after = cursor == null ? null : NameCursor.decode(cursor);
        return images.list(pool, after, limit + 1).map(found -> {
            List<ImageInfo> page = found.size() > limit ? found.subList(0, limit) : found;
            String next = found.size() > limit ? NameCursor.encode(page.get(page.size() - 1).reference()) : null;
            return new ImageList(page, next);
        });
    }

    /** A grant to PUT an input file, unless the caller uploaded the same content before. */
    public Uni<UploadGrant> inputUpload(Caller caller, String sha256) {
        return grant(caller, BlobKind.INPUTS, JobInput.blobId(caller.name(), sha256));
    }

    private Uni<UploadGrant> grant(Caller caller, BlobKind kind, String blobId) {
        StoreClient client = requireStore();
        String url = StoreClient.blobUrl(config.publicUrls().store().orElse(client.url().get().toString()), kind,
                blobId);
        return client.head(kind, blobId).map(head -> {
            if (head.isPresent()) {
                return new UploadGrant(kind, blobId, url, null, null, true);
            }
            CapabilityTokens.Capability write = capabilities.blob(caller.name(), kind, blobId, BlobCapability.WRITE);
            return new UploadGrant(kind, blobId, url, write.token(), write.expiresAt(), false);
        });
    }

    private StoreClient requireStore() {
        if (store.url().isEmpty()) {
            throw SchedulerException.unavailable("this scheduler knows no checkpoint store (upc.scheduler.store-url)");
        }
        return store;
    }

    private static SchedulerException imageExists(String reference, ImageInfo recorded) {
        return SchedulerException.conflict("image_exists", reference + " was pushed by " + recorded.owner() + " at "
                + recorded.pushedAt() + "; images never change once pushed (checkpoints restore only onto the same "
                + "image): push under a new tag");
    }

    /** A user pushes only into its own name space: the first path component after the registry host. */
    static void requireNameSpace(Caller caller, String reference) {
        if (caller.admin()) {
            return;
        }
        String space = nameSpace(reference);
        if (!caller.name().equals(space)) {
            throw SchedulerException.forbidden("user " + caller.name() + " may push only images named "
                    + "[host/]" + caller.name() + "/NAME[:TAG], not " + reference);
        }
    }

    /** {@code localhost/alice/solver:1} and {@code alice/solver:1} → alice; {@code solver:1} → null. */
    static String nameSpace(String reference) {
        String[] parts = reference.split("/");
        boolean host = parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":")
                || parts[0].equals("localhost"));
        int first = host ? 1 : 0;
        return parts.length - first >= 2 ? parts[first] : null;
    }
}
