package dev.upc.agent.job;

import dev.upc.protocol.BlobKind;

/** Asks the scheduler for a store capability the commands did not bring (the job's image, its output). */
@FunctionalInterface
public interface BlobTokens {

    /** @param operation {@code read} or {@code write} */
    String token(BlobKind kind, String id, String operation);
}
