package dev.upc.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.cli.testing.CliRun;
import dev.upc.cli.testing.FakeApi;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage mistakes exit 2 with the problem and the usage on stderr, before anything is sent. */
class ArgumentsTest {

    @TempDir
    Path home;

    private final FakeApi api = FakeApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private CliRun.Result upc(String... args) {
        return CliRun.against(api, home).run(args);
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        CliRun.Result result = upc("jobs", "list", "--bogus");
        assertThat(result.code()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).startsWith("upc: Unknown option: '--bogus'").contains("Usage: upc jobs list");
        assertThat(result.out()).isEmpty();
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void submitNeedsAnImageAndACommand() {
        CliRun.Result noImage = upc("jobs", "submit", "--", "sleep", "10");
        assertThat(noImage.code()).isEqualTo(2);
        assertThat(noImage.err()).contains("Missing required option: '--image=IMAGE'");

        CliRun.Result noCommand = upc("jobs", "submit", "--image", "localhost/a/b:1");
        assertThat(noCommand.code()).isEqualTo(2);
        assertThat(noCommand.err()).contains("CMD");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void badMemoryAndDurationValuesAreNamed() {
        CliRun.Result memory = upc("jobs", "submit", "--image", "i", "--memory", "lots", "--", "true");
        assertThat(memory.code()).isEqualTo(2);
        assertThat(memory.err()).contains("Invalid value for option '--memory': 'lots' is not a memory size; "
                + "use e.g. 512M, 2G or 1024 (MiB)");

        CliRun.Result work = upc("jobs", "submit", "--image", "i", "--work", "ten minutes", "--", "true");
        assertThat(work.code()).isEqualTo(2);
        assertThat(work.err()).contains("'ten minutes' is not a duration; use e.g. 90s, 10m, 1h30m or 2d");

        CliRun.Result checkpoints = upc("jobs", "submit", "--image", "i", "--checkpoint-every", "10s", "--", "true");
        assertThat(checkpoints.code()).isEqualTo(2);
        assertThat(checkpoints.err()).contains("--checkpoint-every must be between 30s and 1d");

        CliRun.Result cpus = upc("jobs", "submit", "--image", "i", "--cpus", "100", "--", "true");
        assertThat(cpus.code()).isEqualTo(2);
        assertThat(cpus.err()).contains("--cpus must be between 1 and 64");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aMissingInputFileIsNamedBeforeAnythingIsUploaded() {
        CliRun.Result result = upc("jobs", "submit", "--image", "i", "--input", "nope.csv", "--", "true");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--input nope.csv: nope.csv does not exist");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aCommandOrGroupAloneIsAUsageError() {
        assertThat(upc().code()).isEqualTo(2);
        CliRun.Result jobs = upc("jobs");
        assertThat(jobs.code()).isEqualTo(2);
        assertThat(jobs.err()).contains("a command is needed: one of submit, list, show, logs, output, wait, watch, migrate, cancel");
        CliRun.Result unknown = upc("jbos", "list");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched arguments", "jbos");
    }

    @Test
    void anInvalidStateIsAUsageError() {
        CliRun.Result result = upc("jobs", "list", "--state", "DONE");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("expected one of [QUEUED, PLACED, RUNNING");
    }

    @Test
    void helpAndVersionGoToStdout() {
        CliRun.Result help = upc("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: upc", "jobs", "workers", "images", "users", "Exit codes:");
        CliRun.Result version = upc("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("upc ");
        assertThat(upc("jobs", "submit", "--help").out()).contains("--checkpoint-every", "--no-migrate");
    }

    @Test
    void memorySizesAreMebibytes() {
        assertThat(MemoryArgument.parseMiB("512M")).isEqualTo(512);
        assertThat(MemoryArgument.parseMiB("512")).isEqualTo(512);
        assertThat(MemoryArgument.parseMiB("1024")).isEqualTo(1024);
        assertThat(MemoryArgument.parseMiB("2G")).isEqualTo(2048);
        assertThat(MemoryArgument.parseMiB("1.5GiB")).isEqualTo(1536);
        assertThat(MemoryArgument.parseMiB("256mb")).isEqualTo(256);
        assertThatThrownBy(() -> MemoryArgument.parseMiB("1.5M")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("whole number of MiB");
        assertThatThrownBy(() -> MemoryArgument.parseMiB("2K")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> MemoryArgument.parseMiB("-1G")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void durationsTakeUnitsOrSeconds() {
        assertThat(DurationArgument.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationArgument.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationArgument.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationArgument.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationArgument.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(DurationArgument.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> DurationArgument.parse("1h30")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> DurationArgument.parse("")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> DurationArgument.parse("5y")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void aJobsDefaultNameIsItsCommandsFileName() {
        assertThat(JobSubmitCommand.defaultName("/usr/local/bin/solver")).isEqualTo("solver");
        assertThat(JobSubmitCommand.defaultName("./run me.sh")).isEqualTo("run-me.sh");
        assertThat(JobSubmitCommand.defaultName("__init")).isEqualTo("init");
        assertThat(JobSubmitCommand.defaultName("/")).isEqualTo("job");
    }

    @Test
    void anInputsPathDefaultsToWork() {
        assertThat(JobSubmitCommand.InputFile.parse("data/in.csv"))
                .isEqualTo(new JobSubmitCommand.InputFile(Path.of("data/in.csv"), "/job/in.csv"));
        assertThat(JobSubmitCommand.InputFile.parse("in.csv:/data/x.csv"))
                .isEqualTo(new JobSubmitCommand.InputFile(Path.of("in.csv"), "/data/x.csv"));
        assertThat(JobSubmitCommand.InputFile.parse("a:b.csv"))
                .isEqualTo(new JobSubmitCommand.InputFile(Path.of("a:b.csv"), "/job/a:b.csv"));
    }
}
