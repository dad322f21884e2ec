package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.ScriptedControlPlane.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.WorkerRegistered;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentTest {

    @TempDir
    Path dir;

    private final ScriptedControlPlane control = new ScriptedControlPlane();
    private final Troubles troubles = new Troubles();

    @Test
    void theFirstRegistrationWaitsOutAnUnreachableRegistryAndKeepsTheWorkerId() {
        AgentState state = Fixtures.state(dir);
        control.then("register", failure(0, null), failure(503, "unavailable"));
        Enrolment enrolment = new Enrolment(Fixtures.registration(), "join-token", state, control, Fixtures.CLOCK,
                troubles);
        List<WorkerRegistered> told = new ArrayList<>();
        enrolment.onRegistered(told::add);

        enrolment.registerFirst(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), new Progress(), "http://r");

        assertThat(control.calls("register")).hasSize(3).allMatch(c -> "join-token".equals(c.token()));
        assertThat(enrolment.session().token()).isEqualTo("token-1");
        assertThat(state.workerId()).contains("w-1");
        assertThat(told).singleElement().extracting(WorkerRegistered::desiredState).isEqualTo(DesiredState.ACTIVE);
        assertThat(troubles.last()).contains("registry not reachable");
    }

    @Test
    void aRefusedJoinTokenOrRegistrationEndsTheStartWithWhatToCheck() {
        Enrolment refusedToken = new Enrolment(Fixtures.registration(), "join-token", Fixtures.state(dir), control,
                Fixtures.CLOCK, troubles);
        control.then("register", failure(401, "unauthorized"));

        assertThatThrownBy(() -> refusedToken.registerFirst(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
                new Progress(), "http://r")).isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("refused the join token").hasMessageContaining("http://r");

        control.then("register", failure(400, "invalid"));
        assertThatThrownBy(() -> refusedToken.registerFirst(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
                new Progress(), "http://r")).isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("rejected this PC's registration");
    }

    @Test
    void theCredentialOfTheEnrolmentIsKeptOwnerOnlyAndPresentedFromThenOn() throws Exception {
        AgentState state = Fixtures.state(dir);
        Enrolment enrolment = new Enrolment(Fixtures.registration(), "join-token", state, control, Fixtures.CLOCK,
                troubles);

        enrolment.registerFirst(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), new Progress(), "http://r");
        enrolment.registerAgain(enrolment.session());

        assertThat(control.presentedCredentials).containsExactly("null", "upcw_scripted");
        assertThat(state.credential()).contains("upcw_scripted");
        assertThat(java.nio.file.Files.getPosixFilePermissions(state.file()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aRevokedPcEndsItsStartAndSaysWhy() {
        Enrolment enrolment = new Enrolment(Fixtures.registration(), "join-token", Fixtures.state(dir), control,
                Fixtures.CLOCK, troubles);
        control.then("register", failure(403, "machine_revoked"));

        assertThatThrownBy(() -> enrolment.registerFirst(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
                new Progress(), "http://r")).isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("rejected this PC's registration").hasMessageContaining("machine_revoked");
        assertThat(control.calls("register")).hasSize(1);
    }

    @Test
    void aCallWhoseCredentialIsRefusedRegistersAgainAndIsMadeOnceMore() {
        Enrolment enrolment = Fixtures.enrolled(control, Fixtures.state(dir), troubles);
        control.then("blobToken", failure(401, "unauthorized"));

        String token = enrolment.call(s -> control.blobToken(s, new BlobTokenRequest(BlobKind.OUTPUTS, "o-1", "write")))
                .token();

        assertThat(token).isEqualTo("blob-token");
        assertThat(control.calls("blobToken")).extracting(ScriptedControlPlane.Call::token)
                .containsExactly("token-1", "token-2");
    }

    @Test
    void otherFailuresOfACallAreTheCallersAndRegisterNothing() {
        Enrolment enrolment = Fixtures.enrolled(control, Fixtures.state(dir), troubles);
        control.then("blobToken", failure(503, "unavailable"));

        assertThatThrownBy(() -> enrolment.call(s -> control.blobToken(s,
                new BlobTokenRequest(BlobKind.OUTPUTS, "o-1", "write")))).isInstanceOf(ControlPlaneException.class);

        assertThat(control.calls("register")).hasSize(1);
    }

    @Test
    void aTokenAboutToExpireIsRenewedBeforeItIsUsed() {
        control.tokenExpiresAt = Fixtures.NOW.plus(Enrolment.RENEW_BEFORE).minusSeconds(1);
        Enrolment enrolment = Fixtures.enrolled(control, Fixtures.state(dir), troubles);
        control.tokenExpiresAt = Fixtures.NOW.plus(Duration.ofHours(1));

        WorkerSession fresh = enrolment.fresh();

        assertThat(fresh.token()).isEqualTo("token-2");
        assertThat(enrolment.fresh()).isSameAs(fresh); // an hour left: kept
    }

    @Test
    void registeringAgainAfterAnotherLoopDidIsNothingToDo() {
        Enrolment enrolment = Fixtures.enrolled(control, Fixtures.state(dir), troubles);
        WorkerSession refused = enrolment.session();
        enrolment.registerAgain(refused);

        enrolment.registerAgain(refused); // a second loop that saw the same refusal

        assertThat(control.calls("register")).hasSize(2);
        assertThat(enrolment.session().token()).isEqualTo("token-2");
    }
}
