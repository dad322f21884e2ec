package dev.upc.e2e.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which copies of each job run now, across every simulated PC of a soak: a copy is live from its start (or restore,
 * or the end of a hold) until it stops, is dumped, killed or held. A copy that becomes live while another copy of its
 * job is live is a double copy, the one thing UPC must never do.
 */
final class CopyLedger {

    private final Map<String, Set<String>> live = new HashMap<>();
    private final List<String> doubles = new ArrayList<>();

    /** A copy ({@code pc/container}) of the job runs from now on. */
    synchronized void running(String jobId, String copy) {
        Set<String> copies = live.computeIfAbsent(jobId, id -> new HashSet<>());
        if (copies.add(copy) && copies.size() > 1) {
            doubles.add(jobId + ": " + copies);
        }
    }

    /** That copy runs no more (it ended, was dumped, killed or held, or its PC went down). */
    synchronized void stopped(String jobId, String copy) {
        Set<String> copies = live.get(jobId);
        if (copies != null) {
            copies.remove(copy);
            if (copies.isEmpty()) {
                live.remove(jobId);
            }
        }
    }

    /** Each moment a job had two live copies, described. */
    synchronized List<String> doubles() {
        return List.copyOf(doubles);
    }
}
