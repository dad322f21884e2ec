package dev.upc.scheduler.testing;

import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;

/** Base of the scheduler's {@code @QuarkusTest}s: one application on a private PostgreSQL with a fresh key pair. */
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
public abstract class SchedulerTest extends ClusterTest {
}
