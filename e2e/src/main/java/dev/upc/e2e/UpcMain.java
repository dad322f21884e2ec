package dev.upc.e2e;

import dev.upc.e2e.bench.AgentBench;
import dev.upc.e2e.bench.OwnerBench;
import dev.upc.e2e.bench.MigrationBench;
import dev.upc.e2e.bench.RegistryBench;
import dev.upc.e2e.bench.StoreBench;
import dev.upc.e2e.bench.StudyBench;
import dev.upc.e2e.demo.MigrationShowcase;
import dev.upc.e2e.experiment.ExperimentPlan;
import dev.upc.e2e.experiment.UpcExperiment;
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
            case "demo" -> demo(rest, work);
            case "bench" -> bench(rest, work);
            case "k8s" -> k8s(rest, work);
            case "up", "down", "status", "local-cluster" -> dev.upc.e2e.local.LocalClusterCommand.main(args[0], rest,
                    new dev.upc.e2e.local.CliContexts(System.getenv()));
            default -> usage("usage: UpcMain demo [--quick | options] | bench NAME [options]");
        };
        System.exit(status);
    }

    /** The nine-job experiment; {@code --quick}: only the two-PC showcase of one migration. */
    private static int demo(List<String> args, Path work) {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(ExperimentPlan.USAGE);
            return 0;
        }
        return args.contains("--quick") ? MigrationShowcase.run(work) : UpcExperiment.run(args, work);
    }

    private static int bench(List<String> args, Path work) {
        if (args.isEmpty()) {
            return usage("usage: ./upc bench NAME; benches: migration, policy, store, registry, agent, study, owner, soak");
        }
        List<String> options = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "migration" -> MigrationBench.run(options, work);
            case "policy" -> PolicyBench.run(options) == 0 ? dev.upc.e2e.experiment.DemoPrediction.printBenchLine() : 1;
            case "store" -> StoreBench.run(options, work);
            case "registry" -> RegistryBench.run(options, work);
            case "agent" -> AgentBench.run(options, work);
            case "study" -> StudyBench.run(options, work);
            case "owner" -> OwnerBench.run(options, work);
            case "soak" -> dev.upc.e2e.soak.SoakBench.run(options, work);
            default -> usage("upc: unknown bench '" + args.get(0) + "' (benches: migration, policy, store, registry, agent, study, owner, soak)");
        };
    }

    /** {@code ./upc k8s play|down|secrets}: the deployment of k8s/ on this machine, and its secrets. */
    private static int k8s(List<String> args, Path work) {
        Path repo = Path.of("").toAbsolutePath();
        String command = args.isEmpty() ? "" : args.get(0);
        return switch (command) {
            case "play", "down" -> dev.upc.e2e.k8s.KubePlay.main(command, repo, work);
            case "secrets" -> dev.upc.e2e.k8s.SecretsCommand.main(args.subList(1, args.size()), repo);
            default -> usage("usage: ./upc k8s render OVERLAY | secrets [--dir DIR] | play | down");
        };
    }

    private static int usage(String message) {
        System.err.println(message);
        return 2;
    }
}
