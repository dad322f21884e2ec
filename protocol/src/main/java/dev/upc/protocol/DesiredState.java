package dev.upc.protocol;

/** What the registry wants a worker to do; DRAIN means take no new jobs and let running ones migrate off. */
public enum DesiredState {
    ACTIVE,
    DRAIN
}
