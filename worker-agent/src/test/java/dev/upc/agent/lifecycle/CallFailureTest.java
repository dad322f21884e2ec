package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.ScriptedControlPlane.failure;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallFailureTest {

    @Test
    void aCredentialTheServiceDoesNotTakeRegistersAgain() {
        assertThat(CallFailure.of(failure(401, "unauthorized"))).isEqualTo(CallFailure.REGISTER_AGAIN);
        assertThat(CallFailure.of(failure(403, "forbidden"))).isEqualTo(CallFailure.REGISTER_AGAIN);
        assertThat(CallFailure.of(failure(404, "worker_not_found"))).isEqualTo(CallFailure.REGISTER_AGAIN);
    }

    @Test
    void anOutageIsWaitedOut() {
        assertThat(CallFailure.of(failure(0, null))).isEqualTo(CallFailure.RETRY_LATER);
        assertThat(CallFailure.of(failure(408, "timeout"))).isEqualTo(CallFailure.RETRY_LATER);
        assertThat(CallFailure.of(failure(429, "busy"))).isEqualTo(CallFailure.RETRY_LATER);
        assertThat(CallFailure.of(failure(503, "unavailable"))).isEqualTo(CallFailure.RETRY_LATER);
    }

    @Test
    void anyOtherRefusalIsFinal() {
        assertThat(CallFailure.of(failure(400, "invalid"))).isEqualTo(CallFailure.REFUSED);
        assertThat(CallFailure.of(failure(404, "command_not_found"))).isEqualTo(CallFailure.REFUSED);
        assertThat(CallFailure.of(failure(409, "conflict"))).isEqualTo(CallFailure.REFUSED);
    }
}
