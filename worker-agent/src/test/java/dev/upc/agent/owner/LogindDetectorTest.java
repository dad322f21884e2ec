package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogindDetectorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000;
    private static final Duration GRACE = Duration.ofMinutes(2);

    // Shaped like systemd 252's loginctl (typed in: this VM has no logind). Properties come in D-Bus order.
    private static final String LIST = """
                 2 1000 alice seat0 tty2
                 5 1001 bob         pts/0
                c1  110 gdm   seat0 tty1
            """;

    @Test
    void listSessionsGivesTheIdsEvenWithEmptyColumns() {
        assertThat(LogindSession.parseListSessions(LIST)).containsExactly("2", "5", "c1");
        assertThat(LogindSession.parseListSessions("")).isEmpty();
    }

    @Test
    void showSessionBlocks() {
        List<LogindSession> sessions = LogindSession.parseShowSession("""
                Id=2
                Type=wayland
                Class=user
                Remote=no
                State=active
                IdleHint=no
                IdleSinceHint=%d
                LockedHint=no

                Id=5
                Type=tty
                Class=user
                Remote=yes
                State=active
                IdleHint=no
                IdleSinceHint=0
                LockedHint=no
                """.formatted(NOW_MICROS - 1_500_000));

        assertThat(sessions).containsExactly(
                new LogindSession("2", "wayland", "user", false, "active", false, NOW.minusMillis(1500), false),
                new LogindSession("5", "tty", "user", true, "active", false, null, false));
    }

    @Test
    void whichSessionsMeanSomeoneIsThere() {
        Instant longAgo = NOW.minus(Duration.ofHours(3));
        Instant justNow = NOW.minusSeconds(30);

        assertThat(graphical(false, longAgo).inUse(NOW, GRACE)).as("desktop not idle").isTrue();
        assertThat(graphical(true, justNow).inUse(NOW, GRACE)).as("idle for less than the grace").isTrue();
        assertThat(graphical(true, longAgo).inUse(NOW, GRACE)).as("idle for long").isFalse();
        assertThat(new LogindSession("2", "x11", "user", false, "active", false, longAgo, true).inUse(NOW, GRACE))
                .as("locked screen").isFalse();
        assertThat(new LogindSession("c1", "x11", "greeter", false, "active", false, null, false).inUse(NOW, GRACE))
                .as("login screen").isFalse();
        assertThat(new LogindSession("5", "tty", "user", true, "active", false, justNow, false).inUse(NOW, GRACE))
                .as("ssh").isFalse();
        assertThat(new LogindSession("7", "unspecified", "user", false, "active", false, null, false)
                .inUse(NOW, GRACE)).as("cron").isFalse();
        assertThat(new LogindSession("2", "x11", "user", false, "closing", false, null, false).inUse(NOW, GRACE))
                .as("logged out, processes left").isFalse();
        assertThat(tty(justNow).inUse(NOW, GRACE)).as("console, typed 30 s ago").isTrue();
        assertThat(tty(longAgo).inUse(NOW, GRACE)).as("console, untouched for hours").isFalse();
        assertThat(tty(null).inUse(NOW, GRACE)).as("console, tty time unknown").isTrue();
    }

    @Test
    void logindIsAskedAtMostEveryFiveSecondsAndTheLastAnswerStandsInBetween() throws IOException {
        ScriptedRunner runner = new ScriptedRunner().answer(LIST).answer(show("2", "x11", "no", false)).answer("");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        LogindDetector detector = new LogindDetector("loginctl", java.util.Optional.empty(), runner, clock, GRACE);

        assertThat(detector.sample()).isEqualTo(OwnerState.ACTIVE);
        now.set(NOW.plusMillis(4900));
        assertThat(detector.sample()).as("within 5 s: no loginctl").isEqualTo(OwnerState.ACTIVE);
        assertThat(runner.commands).hasSize(2);
        now.set(NOW.plusSeconds(5));
        assertThat(detector.sample()).as("asked again: the session is gone").isEqualTo(OwnerState.IDLE);
        assertThat(runner.commands).hasSize(3);
    }

    @Test
    void noSessionsNeedsOneCommand() throws IOException {
        ScriptedRunner runner = new ScriptedRunner().answer("");

        assertThat(detector(runner).sample()).isEqualTo(OwnerState.IDLE);
        assertThat(runner.commands).containsExactly(List.of("loginctl", "list-sessions", "--no-legend"));
    }

    @Test
    void activeWhenAnyLocalSessionIsInUse() throws IOException {
        ScriptedRunner runner = new ScriptedRunner().answer(LIST).answer(show("2", "x11", "no", false)
                + "\n" + show("5", "tty", "yes", false) + "\n" + show("c1", "x11", "no", false)
                        .replace("Class=user", "Class=greeter"));

        assertThat(detector(runner).sample()).isEqualTo(OwnerState.ACTIVE);
        assertThat(runner.commands.get(1)).startsWith("loginctl", "show-session", "2", "5", "c1")
                .contains("IdleHint", "IdleSinceHint", "LockedHint", "Remote", "Class", "Type", "State");
    }

    @Test
    void idleWhenOnlyRemoteAndIdleSessions() throws IOException {
        ScriptedRunner runner = new ScriptedRunner().answer(LIST).answer(show("2", "x11", "no", true)
                + "\n" + show("5", "tty", "yes", false));

        assertThat(detector(runner).sample()).isEqualTo(OwnerState.IDLE);
    }

    @Test
    void aSessionEndingBetweenTheCallsIsRetriedOnce() throws IOException {
        ScriptedRunner runner = new ScriptedRunner().answer(LIST)
                .fail(new IOException("'loginctl show-session' exited with 1: No session '5' known"))
                .answer("   2 1000 alice seat0 tty2\n").answer(show("2", "x11", "no", false));

        assertThat(detector(runner).sample()).isEqualTo(OwnerState.ACTIVE);
        assertThat(runner.commands).hasSize(4);
    }

    @Test
    void unavailableLogindSaysWhyAndFailsToSample() {
        LogindDetector detector = new LogindDetector("loginctl",
                Optional.of("systemd-logind is not running here (no /run/systemd/seats)"), new ScriptedRunner(),
                Clock.fixed(NOW, ZoneOffset.UTC), GRACE);

        assertThat(detector.available()).isFalse();
        assertThat(detector.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason).contains("logind"));
        assertThatThrownBy(detector::sample).isInstanceOf(IOException.class).hasMessageContaining("/run/systemd/seats");
    }

    @Test
    void garbageOutputIsAnIoError() {
        ScriptedRunner runner = new ScriptedRunner().answer(LIST).answer("Failed to parse bus message\n")
                .answer(LIST).answer("Failed to parse bus message\n");

        assertThatThrownBy(() -> detector(runner).sample()).isInstanceOf(IOException.class)
                .hasMessageContaining("unexpected loginctl show-session output");
    }

    @Test
    void realProcessRunnerReportsExitCodeAndOutput() throws IOException {
        ProcessCommandRunner runner = new ProcessCommandRunner();

        assertThat(runner.run(List.of("sh", "-c", "echo hi"), Duration.ofSeconds(5))).isEqualTo("hi\n");
        assertThatThrownBy(() -> runner.run(List.of("sh", "-c", "echo broken >&2; exit 3"), Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("exited with 3: broken");
        assertThatThrownBy(() -> runner.run(List.of("sleep", "10"), Duration.ofMillis(100)))
                .isInstanceOf(IOException.class).hasMessageContaining("did not answer");
    }

    private static LogindDetector detector(CommandRunner runner) {
        return new LogindDetector("loginctl", Optional.empty(), runner, Clock.fixed(NOW, ZoneOffset.UTC), GRACE);
    }

    private static LogindSession graphical(boolean idle, Instant since) {
        return new LogindSession("2", "x11", "user", false, "active", idle, since, false);
    }

    private static LogindSession tty(Instant lastInput) {
        return new LogindSession("3", "tty", "user", false, "active", false, lastInput, false);
    }

    private static String show(String id, String type, String remote, boolean idle) {
        long since = idle ? NOW_MICROS - 3_600_000_000L : NOW_MICROS - 7_200_000_000L;
        return """
                Id=%s
                Type=%s
                Class=user
                Remote=%s
                State=active
                IdleHint=%s
                IdleSinceHint=%d
                LockedHint=no
                """.formatted(id, type, remote, idle ? "yes" : "no", since);
    }

    private static final class ScriptedRunner implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        private final Deque<Object> answers = new ArrayDeque<>();

        ScriptedRunner answer(String output) {
            answers.add(output);
            return this;
        }

        ScriptedRunner fail(IOException e) {
            answers.add(e);
            return this;
        }

        @Override
        public String run(List<String> command, Duration timeout) throws IOException {
            commands.add(List.copyOf(command));
            Object answer = answers.poll();
            if (answer == null) {
                throw new AssertionError("unexpected command " + command);
            }
            if (answer instanceof IOException e) {
                throw e;
            }
            return (String) answer;
        }
    }
}
