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

        assertThat(slots.admit(upload("a"))).isTrue();
        assertThat(slots.admit(upload("b"))).isTrue();
        assertThat(started).containsExactly("a", "b");
        assertThat(slots.admit(upload("c"))).isTrue();
        assertThat(slots.admit(upload("d"))).isFalse();

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
        assertThat(slots.admit(upload("refused"))).isFalse();

        slots.leave(gone);
        assertThat(slots.admit(upload("next"))).isTrue();
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
