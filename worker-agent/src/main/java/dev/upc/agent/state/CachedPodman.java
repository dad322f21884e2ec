package dev.upc.agent.state;

import dev.upc.agent.libpod.PodmanHost;

/**
 * Podman's facts from libpod's {@code info}, which takes a few hundred milliseconds: a restart registers with these
 * and asks libpod again in the background, registering anew only if something changed (an upgrade).
 *
 * @param socket the libpod socket they came from
 * @param host   the facts
 */
public record CachedPodman(String socket, PodmanHost host) {
}
