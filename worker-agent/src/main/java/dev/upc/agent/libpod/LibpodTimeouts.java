package dev.upc.agent.libpod;

import java.time.Duration;

/**
 * Time limits of libpod calls. Every call has one: a hung CRIU dump holds the container's lock and
 * would otherwise block the agent forever.
 *
 * @param call         answer to an ordinary call (inspect, create, start, …)
 * @param longWork     answer to a checkpoint, restore or image import (the work happens before the answer)
 * @param transferIdle longest stall of an archive in either direction
 */
public record LibpodTimeouts(Duration call, Duration longWork, Duration transferIdle) {

    public static LibpodTimeouts defaults() {
        return new LibpodTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1));
    }
}
