package dev.upc.agent.owner;

import static dev.upc.protocol.OwnerState.ACTIVE;
import static dev.upc.protocol.OwnerState.IDLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnerWatchTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration IDLE_AFTER = Duration.ofSeconds(60);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<OwnerState> heard = new CopyOnWriteArrayList<>();
    private final OwnerToggle toggle = new OwnerToggle();
    private final ScriptedDetector logind = new ScriptedDetector("logind");
    private final ScriptedDetector cpu = new ScriptedDetector("cpu");
    private final CapturedLog log = new CapturedLog();
    private final java.util.logging.Logger julLogger = java.util.logging.Logger.getLogger(OwnerWatch.class.getName());
    private OwnerWatch watch;

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(log);
    }

    @AfterEach
    void stop() {
        julLogger.removeHandler(log);
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    void activeAtOnceIdleOnlyAfterIdleAfterOfContinuousIdleness() {
        watch = watch(logind, cpu);

        watch.sampleNow();
        assertThat(watch.current()).isEqualTo(IDLE);
        assertThat(heard).isEmpty();

        cpu.state = ACTIVE;
        watch.sampleNow();
        assertThat(heard).containsExactly(ACTIVE);

        cpu.state = IDLE;
        advance(Duration.ofSeconds(55));
        watch.sampleNow();
        assertThat(watch.current()).as("idle for 55 s only").isEqualTo(ACTIVE);

        // Activity again restarts the count.
        logind.state = ACTIVE;
        advance(Duration.ofSeconds(5));
        watch.sampleNow();
        logind.state = IDLE;
        advance(Duration.ofSeconds(59));
        watch.sampleNow();
        assertThat(watch.current()).isEqualTo(ACTIVE);
        assertThat(heard).containsExactly(ACTIVE);

        advance(Duration.ofSeconds(1));
        watch.sampleNow();
        assertThat(watch.current()).isEqualTo(IDLE);
        assertThat(heard).containsExactly(ACTIVE, IDLE);
    }

    @Test
    void everyDetectorIsAskedEvenAfterAnActiveAnswer() {
        watch = watch(logind, cpu);
        logind.state = ACTIVE;

        watch.sampleNow();

        assertThat(cpu.samples).isEqualTo(1);
    }

    @Test
    void toggleWinsAndIsHeardWithoutWaitingForASample() {
        watch = watch(cpu);
        watch.start();

        toggle.set(OwnerToggle.Mode.ACTIVE);
        assertThat(heard).as("heard on the toggling thread, before set returned").containsExactly(ACTIVE);
        assertThat(watch.current()).isEqualTo(ACTIVE);

        watch.sampleNow();
        assertThat(watch.current()).as("detectors say IDLE, the toggle wins").isEqualTo(ACTIVE);

        toggle.set(OwnerToggle.Mode.IDLE);
        cpu.state = ACTIVE;
        watch.sampleNow();
        assertThat(watch.current()).isEqualTo(IDLE);

        // Back to the detectors, which have seen activity just now.
        toggle.set(OwnerToggle.Mode.AUTO);
        assertThat(watch.current()).isEqualTo(ACTIVE);
        assertThat(heard).containsExactly(ACTIVE, IDLE, ACTIVE);
    }

    @Test
    void toggleSetBeforeStartCountsFromTheStart() {
        toggle.set(OwnerToggle.Mode.ACTIVE);
        watch = watch(cpu);

        watch.start();

        assertThat(watch.current()).isEqualTo(ACTIVE);
        assertThat(heard).containsExactly(ACTIVE);
    }

    @Test
    void closedWatchNoLongerFollowsTheToggle() {
        watch = watch(cpu);
        watch.start();
        watch.close();

        toggle.set(OwnerToggle.Mode.ACTIVE);

        assertThat(heard).isEmpty();
    }

    @Test
    void aFailingDetectorCountsAsIdleAndIsLoggedOncePerOutage() {
        watch = watch(logind, cpu);
        logind.failure = new IOException("loginctl did not answer within PT2S");
        cpu.state = ACTIVE;
        watch.sampleNow();
        cpu.state = IDLE;
        for (int i = 0; i < 20; i++) {
            advance(INTERVAL);
            watch.sampleNow();
        }

        assertThat(watch.current()).as("the failing detector did not keep the owner ACTIVE").isEqualTo(IDLE);
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("logind", "loginctl did not answer");

        logind.failure = null;
        watch.sampleNow();
        assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("logind works again"));

        logind.failure = new IllegalStateException("second outage");
        watch.sampleNow();
        assertThat(log.messages(Level.WARNING)).hasSize(2);
    }

    @Test
    void aFailingListenerDoesNotStopTheWatch() {
        watch = new OwnerWatch(toggle, List.of(cpu), INTERVAL, IDLE_AFTER, state -> {
            heard.add(state);
            throw new IllegalStateException("listener bug");
        }, nanos::get);

        cpu.state = ACTIVE;
        watch.start();
        toggle.set(OwnerToggle.Mode.IDLE);

        assertThat(heard).containsExactly(ACTIVE, IDLE);
        assertThat(watch.current()).isEqualTo(IDLE);
    }

    @Test
    void startSamplesAtOnceThenOnItsOwnDaemonThread() throws InterruptedException {
        BlockingQueue<Thread> samplers = new LinkedBlockingQueue<>();
        CountDownLatch threeSamples = new CountDownLatch(3);
        OwnerDetector recording = new OwnerDetector() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public OwnerState sample() {
                samplers.add(Thread.currentThread());
                threeSamples.countDown();
                return ACTIVE;
            }
        };
        watch = new OwnerWatch(toggle, List.of(recording), Duration.ofMillis(10), IDLE_AFTER, heard::add);

        watch.start();
        assertThat(watch.current()).as("first sample before start returns").isEqualTo(ACTIVE);
        assertThat(samplers.poll()).isSameAs(Thread.currentThread());

        assertThat(threeSamples.await(10, TimeUnit.SECONDS)).isTrue();
        Thread sampler = samplers.poll(10, TimeUnit.SECONDS);
        assertThat(sampler.getName()).isEqualTo("upc-owner-watch");
        assertThat(sampler.isDaemon()).isTrue();
    }

    @Test
    void theNextSampleComesAfterTheIntervalAskedForThen() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger samples = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean jobsHere = new java.util.concurrent.atomic.AtomicBoolean();
        OwnerDetector counting = new OwnerDetector() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public OwnerState sample() {
                samples.incrementAndGet();
                return IDLE;
            }
        };
        watch = new OwnerWatch(toggle, List.of(counting),
                () -> jobsHere.get() ? Duration.ofMillis(5) : Duration.ofMillis(1500), IDLE_AFTER, heard::add);

        watch.start();
        Thread.sleep(300);
        assertThat(samples.get()).as("no job: the first sample only").isEqualTo(1);
        jobsHere.set(true);
        watch.hurry(); // a job began to run: the sample planned 1.5 s out comes now
        Thread.sleep(300);
        assertThat(samples.get()).as("a job here: sampled often at once").isGreaterThan(10);
    }

    @Test
    void toggleModesParse() {
        assertThat(OwnerToggle.Mode.parse(" Active ")).isEqualTo(OwnerToggle.Mode.ACTIVE);
        assertThat(OwnerToggle.Mode.parse("auto").forced()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OwnerToggle.Mode.parse("away"))
                .hasMessageContaining("active, idle, auto").hasMessageContaining("away");
        assertThat(toggle.set(OwnerToggle.Mode.AUTO)).as("no change").isFalse();
    }

    private OwnerWatch watch(OwnerDetector... detectors) {
        return new OwnerWatch(toggle, List.of(detectors), INTERVAL, IDLE_AFTER, heard::add, nanos::get);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private static final class ScriptedDetector implements OwnerDetector {
        private final String name;
        volatile OwnerState state = IDLE;
        volatile Exception failure;
        volatile int samples;

        ScriptedDetector(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public OwnerState sample() throws IOException {
            samples++;
            Exception e = failure;
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            return state;
        }
    }

    private static final class CapturedLog extends Handler {
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        List<String> messages(Level level) {
            return records.stream().filter(r -> r.getLevel().equals(level)).map(CapturedLog::format).toList();
        }

        private static String format(LogRecord record) {
            Object[] params = record.getParameters();
            String message = record.getMessage();
            return params == null ? message : String.format(message, params);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
