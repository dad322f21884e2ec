package dev.upc.agent.config;

import java.util.List;

/** The agent cannot start with these settings; the message lists every problem, one per line. */
public class AgentConfigException extends RuntimeException {

    private final List<String> problems;

    public AgentConfigException(List<String> problems) {
        super("bad configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public AgentConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
