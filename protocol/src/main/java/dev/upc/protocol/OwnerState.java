package dev.upc.protocol;

/** Whether the PC's owner is using it: an ACTIVE owner wants the lent CPUs back, so jobs vacate. */
public enum OwnerState {
    IDLE,
    ACTIVE
}
