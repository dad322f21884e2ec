package dev.upc.agent.owner;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs a short command and returns its standard output; an interface so that tests can feed captured output. */
interface CommandRunner {

    /** @throws IOException when it cannot start, exits non-zero or outlives the timeout (it is then killed) */
    String run(List<String> command, Duration timeout) throws IOException;
}
