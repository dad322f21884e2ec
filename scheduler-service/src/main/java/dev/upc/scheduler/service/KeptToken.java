package dev.upc.scheduler.service;

import dev.upc.scheduler.service.CapabilityTokens.Capability;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One of the scheduler's own tokens, kept until less than {@code renewBefore} of its life is left and then minted
 * again: minted once per lifetime rather than once per call (each minting is an audit line), and none expires between
 * minting and use. {@link #forget} drops it when its service refused it.
 */
public final class KeptToken {

    private final Supplier<Capability> mint;
    private final Duration renewBefore;
    private final Clock clock;
    private volatile Capability current;

    public KeptToken(Supplier<Capability> mint, Duration renewBefore, Clock clock) {
        this.mint = mint;
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    /** The token in use, minted afresh when it has less than {@code renewBefore} left. */
    public String get() {
        Capability token = current;
        if (token == null || !token.expiresAt().isAfter(clock.instant().plus(renewBefore))) {
            token = mint.get();
            current = token;
        }
        return token.token();
    }

    /** Its service refused it: the next {@link #get} mints a fresh one. */
    public void forget() {
        current = null;
    }
}
