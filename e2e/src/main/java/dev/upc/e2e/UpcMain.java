package dev.upc.e2e;

import dev.upc.e2e.bench.MigrationBench;
import dev.upc.e2e.bench.RegistryBench;
import dev.upc.e2e.bench.StoreBench;
import dev.upc.e2e.demo.MigrationShowcase;
import dev.upc.scheduler.simulation.PolicyBench;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code ./upc demo} and {@code ./upc bench NAME}. */
public final class UpcMain {

    private UpcMain() {
    }

    public static void main(String[] args) {
        Path work = Path.of(System.getProperty("upc.work", "e2e/target")).toAbsolutePath();
        List<String> rest = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of();
        int status = switch (args.length == 0 ? "" : args[0]) {
            case "demo" -> MigrationShowcase.run(work);
            case "bench" -> bench(rest, work);
            default -> usage("usage: UpcMain demo | bench NAME [options]");
        };
        System.exit(status);
    }

    private static int bench(List<String> args, Path work) {
        if (args.isEmpty()) {
            return usage("usage: ./upc bench NAME; benches: migration, policy, store, registry");
        }
        List<String> options = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "migration" -> MigrationBench.run(options, work);
            case "policy" -> PolicyBench.run(options);
            case "store" -> StoreBench.run(options, work);
            case "registry" -> RegistryBench.run(options, work);
            default -> usage("upc: unknown bench '" + args.get(0) + "' (benches: migration, policy, store, registry)");
        };
    }

    private static int usage(String message) {
        System.err.println(message);
        return 2;
    }
}
