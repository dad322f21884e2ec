package dev.upc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upc.cli.training.LoopbackApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution (target/upc-cli and the tarball) run as a user runs it: through bin/upc, from elsewhere,
 * through symlinks, with the AOT cache the build trained.
 */
class LauncherIT {

    private static final Path DIST = Path.of(System.getProperty("upc.dist", "target/upc-cli")).toAbsolutePath();
    private static final Path TARBALL = Path.of(System.getProperty("upc.tarball", "missing"));
    private static LoopbackApi api;

    @TempDir
    Path dir;

    @BeforeAll
    static void startApi() throws IOException {
        api = LoopbackApi.start(0);
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Test
    void theLauncherWorksFromAnyDirectoryThroughSymlinks() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("upc"), DIST.resolve("bin/upc"));
        Path linkToLink = Files.createSymbolicLink(dir.resolve("bin-upc"), Path.of("upc"));
        Run run = run(Path.of("/"), Map.of(), linkToLink.toString(), "--version");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("upc ").doesNotContain("dev");
        assertThat(run.err()).isEmpty();
        assertThat(link).exists();
    }

    @Test
    void theTrainedCacheIsUsedForARealCommand() throws Exception {
        assumeTrue(Files.exists(DIST.resolve("lib/upc.aot")), "no AOT cache: built on a JDK before 25");
        Run list = run(dir, Map.of("UPC_SERVER", api.url().toString(), "UPC_TOKEN", "t",
                "UPC_JAVA_OPTS", "-XX:AOTMode=on -Xlog:class+load=info:file=" + dir.resolve("classes.log")),
                DIST.resolve("bin/upc").toString(), "jobs", "list");
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("ID ").contains("RUNNING");
        List<String> classes = Files.readAllLines(dir.resolve("classes.log"));
        assertThat(classes).anyMatch(line -> line.contains(" picocli.CommandLine source: shared objects file"))
                .anyMatch(line -> line.contains(" dev.upc.cli.UpcCli source: shared objects file"))
                .anyMatch(line -> line.contains("databind.ObjectMapper source: shared objects file"));
    }

    @Test
    void aJarNewerThanTheCacheTurnsTheCacheOff() throws Exception {
        assumeTrue(Files.exists(DIST.resolve("lib/upc.aot")), "no AOT cache: built on a JDK before 25");
        Path copy = dir.resolve("upc-cli");
        copyTree(DIST, copy);
        Files.setLastModifiedTime(copy.resolve("lib/upc-cli.jar"),
                FileTime.fromMillis(Files.getLastModifiedTime(copy.resolve("lib/upc.aot")).toMillis() + 60_000));
        Run run = run(dir, Map.of("UPC_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve("classes.log")),
                copy.resolve("bin/upc").toString(), "--version");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("classes.log")))
                .anyMatch(line -> line.contains(" dev.upc.cli.UpcCli source: file:"));
    }

    @Test
    void theTarballRunsWhereverItIsUnpackedWithItsCache() throws Exception {
        assumeTrue(Files.exists(TARBALL), "no tarball at " + TARBALL);
        Run untar = run(dir, Map.of(), "tar", "-xzf", TARBALL.toString());
        assertThat(untar.code()).as(untar.toString()).isZero();
        Path unpacked;
        try (var entries = Files.list(dir)) {
            unpacked = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(Files.isExecutable(unpacked.resolve("bin/upc"))).isTrue();
        Path classes = dir.resolve("classes.log");
        Run run = run(Path.of("/"), Map.of("UPC_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                unpacked.resolve("bin/upc").toString(), "--help");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Usage: upc");
        if (Files.exists(unpacked.resolve("lib/upc.aot"))) {
            assertThat(Files.readAllLines(classes)).as("the unpacked cache is used")
                    .anyMatch(line -> line.contains(" dev.upc.cli.UpcCli source: shared objects file"));
        }
    }

    @Test
    void anUnreachableServerIsOneLineAndExit1() throws Exception {
        Run run = run(dir, Map.of("UPC_SERVER", "http://127.0.0.1:1", "UPC_TOKEN", "t"),
                DIST.resolve("bin/upc").toString(), "jobs", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("upc: cannot reach the scheduler at http://127.0.0.1:1: connection refused\n");
    }

    @Test
    void aMissingJavaIsNamed() throws Exception {
        Run run = run(dir, Map.of("UPC_JAVA", "/nonexistent/java"), DIST.resolve("bin/upc").toString(), "--version");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("/nonexistent/java is not an executable java");
    }

    private static Run run(Path cwd, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().remove("UPC_SERVER");
        builder.environment().remove("UPC_TOKEN");
        builder.environment().put("UPC_CONFIG", cwd.resolve("no-such-config.json").toString());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("launcher-out", ".txt");
        Path err = Files.createTempFile("launcher-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    /** cp -p: the copy keeps the modification times the launcher compares. */
    private static void copyTree(Path from, Path to) throws Exception {
        List<String> command = new ArrayList<>(List.of("cp", "-rp", from.toString(), to.toString()));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    private record Run(int code, String out, String err) {
    }
}
