package dev.upc.scheduler.testing;

import dev.upc.protocol.ImageArchive;
import dev.upc.servicetesting.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the scheduler's tests with the real, packaged checkpoint store beside it (its own process, sharing the
 * cluster key): the store keeps its blobs from test to test, and holds the image of {@link Api#job} from the start.
 */
@WithTestResource(PostgresResource.class)
@WithTestResource(CheckpointStoreProcessResource.class)
public abstract class StoreBackedTest extends ClusterTest {

    /** The image every {@link Api#job} names. */
    protected static final String IMAGE = (String) Api.job("x").get("image");

    @BeforeEach
    void imageInTheStore() {
        Api.putBlob(CheckpointStoreProcessResource.base(), "images", ImageArchive.blobId(IMAGE),
                "an image archive".getBytes());
    }
}
