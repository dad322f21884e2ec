package dev.upc.cli.command;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upc completion bash|zsh}: the shell completion script (zsh runs it through bashcompinit). */
@Command(name = "completion", description = {"Print a shell completion script:",
        "  source <(upc completion bash)     or, in ~/.zshrc:  source <(upc completion zsh)"})
public final class CompletionCommand implements Callable<Integer> {

    /** What zsh needs to run a bash completion script. */
    static final String ZSH_PREAMBLE = """
            autoload -U +X compinit && compinit
            autoload -U +X bashcompinit && bashcompinit
            """;

    private final Session session;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    CompletionCommand(Session session) {
        this.session = session;
    }

    enum Shell { bash, zsh }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash(root.getCommandName(), root);
        session.out().print(shell == Shell.zsh ? ZSH_PREAMBLE + script : script);
        return ExitCode.OK;
    }
}
