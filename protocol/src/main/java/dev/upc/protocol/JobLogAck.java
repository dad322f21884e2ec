package dev.upc.protocol;

/**
 * Reply of {@code POST /api/v1/agents/{workerId}/logs}.
 *
 * @param nextLine  the number of the next line the scheduler wants for this epoch (1 + the lines it holds)
 * @param accepting false when the scheduler takes no more lines of this epoch (the job's log reached its size cap, or
 *                  the container is no longer the job's): stop sending them
 * @param reason    why not, when not accepting
 */
public record JobLogAck(long nextLine, boolean accepting, String reason) {
}
