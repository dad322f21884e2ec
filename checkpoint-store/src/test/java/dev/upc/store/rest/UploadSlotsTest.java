package dev.upc.store.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UploadSlotsTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();
    private final List<String> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private UploadSlots.Waiter upload(String name) {
        return new UploadSlots.Waiter(context, () -> started.add(name));
    }

    @Test
    void startsUpToTheLimitAtOnceQueuesUpToTheLineAndRefusesTheRest() {
        UploadSlots slots = new UploadSlots(2, 1);

        assertThat(slots.admit(upload("a"))).isEqualTo(UploadSlots.Admission.STARTED);
        assertThat(slots.admit(upload("b"))).isEqualTo(UploadSlots.Admission.STARTED);
        assertThat(started).containsExactly("a", "b");
        assertThat(slots.admit(upload("c"))).isEqualTo(UploadSlots.Admission.WAITING);
        assertThat(slots.admit(upload("d"))).isEqualTo(UploadSlots.Admission.REFUSED);

        assertThat(started).containsExactly("a", "b");
        assertThat(slots.active()).isEqualTo(2);
        assertThat(slots.waiting()).isEqualTo(1);
    }

    @Test
    void aReleasedSlotGoesToTheFirstInLineOnItsContext() throws Exception {
        UploadSlots slots = new UploadSlots(1, 5);
        slots.admit(upload("a"));
        slots.admit(upload("b"));
        slots.admit(upload("c"));

        slots.release();
        awaitStarted(2);
        assertThat(started).containsExactly("a", "b");
        assertThat(slots.active()).isEqualTo(1);

        slots.release();
        slots.release();
        awaitStarted(3);
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(slots.active()).isZero();
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void anUploadThatLeavesTheLineNeverStartsAndFreesItsPlace() throws Exception {
        UploadSlots slots = new UploadSlots(1, 1);
        slots.admit(upload("a"));
        UploadSlots.Waiter gone = upload("gone");
        slots.admit(gone);
        assertThat(slots.admit(upload("refused"))).isEqualTo(UploadSlots.Admission.REFUSED);

        assertThat(slots.leave(gone)).as("it was in line").isTrue();
        assertThat(slots.leave(gone)).as("and is no more").isFalse();
        assertThat(slots.admit(upload("next"))).isEqualTo(UploadSlots.Admission.WAITING);
        slots.release();
        awaitStarted(2);

        assertThat(started).containsExactly("a", "next");
    }

    private void awaitStarted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(started).hasSize(count);
    }
}
