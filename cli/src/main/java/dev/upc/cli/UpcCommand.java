package dev.upc.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The {@code upc} command line. Job and worker commands arrive with the scheduler and registry. */
@TopCommand
@Command(name = "upc", mixinStandardHelpOptions = true, versionProvider = UpcCommand.Version.class,
        description = "Submit, watch and migrate jobs on a UPC cluster of user PCs.")
public class UpcCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("upc: no command given; try 'upc --help'");
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = UpcCommand.class.getPackage().getImplementationVersion();
            return new String[] {"upc " + (version == null ? "dev" : version)};
        }
    }
}
