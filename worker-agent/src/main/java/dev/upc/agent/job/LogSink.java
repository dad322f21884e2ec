package dev.upc.agent.job;

import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;

/**
 * Where the lines of job containers go: the scheduler ({@code POST /api/v1/agents/{workerId}/logs} with the worker
 * token, through the control plane); a recorder in tests.
 */
@FunctionalInterface
public interface LogSink {

    /**
     * Delivers one chunk and returns the scheduler's answer.
     *
     * @throws RuntimeException when it did not arrive (a {@code ControlPlaneException} says whether trying again can
     *                          help)
     */
    JobLogAck ship(JobLogChunk chunk);
}
