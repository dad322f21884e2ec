package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static Optional<String> living(Kind kind, Duration lifetime) {
        long iat = NOW.getEpochSecond();
        return TokenRules.violation(Optional.of(kind), OptionalLong.of(iat), OptionalLong.of(iat + lifetime.toSeconds()),
                NOW);
    }

    @ParameterizedTest
    @CsvSource({"ADMIN,P365D", "USER,P90D", "WORKER,PT1H", "CAPABILITY,PT15M"})
    void aTokenMayLiveExactlyItsKindsLongestLifeAndNotASecondMore(Kind kind, Duration max) {
        assertThat(kind.maxLifetime()).isEqualTo(max);
        assertThat(living(kind, max)).isEmpty();
        assertThat(living(kind, max.plusSeconds(1))).isPresent();
    }

    /** A key whose id names an issuer signs only that issuer's kinds; a key of no issuer (shared) signs any. */
    @Test
    void anIssuersKeySignsOnlyItsKinds() {
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.WORKER), "registry:abc")).isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.USER), "scheduler:abc")).isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.CAPABILITY), "scheduler:abc")).isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.ADMIN), "admin:abc")).isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.ADMIN), "registry:abc")).contains(
                "an admin token must be signed by the admin's key; this one is signed by the registry's"
                        + " (registry:abc)");
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.USER), "registry:abc")).isPresent();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.WORKER), "scheduler:abc")).isPresent();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.SERVICE), "admin:abc")).isPresent();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.ADMIN), "NzbLsXh8uDCcd")).as("a shared key").isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.ADMIN), null)).as("no kid: one key").isEmpty();
        assertThat(TokenRules.issuerViolation(Optional.of(Kind.ADMIN), "nobody:abc")).as("no such issuer").isEmpty();
    }

    /** A key may not pass off a role it cannot sign beside one it can: every role the token claims counts. */
    @Test
    void aTokenClaimingSeveralRolesNeedsAKeyThatSignsThemAll() {
        Set<Kind> workerAndAdmin = TokenRules.kinds(false, Set.of(Tokens.WORKER, Tokens.ADMIN));
        assertThat(workerAndAdmin).containsExactlyInAnyOrder(Kind.WORKER, Kind.ADMIN);
        assertThat(TokenRules.issuerViolation(workerAndAdmin, "registry:abc")).hasValueSatisfying(v ->
                assertThat(v).contains("an admin token must be signed by the admin's key"));
        Set<Kind> capabilityAndAdmin = TokenRules.kinds(true, Set.of(Tokens.ADMIN));
        assertThat(TokenRules.issuerViolation(capabilityAndAdmin, "scheduler:abc")).isPresent();
        assertThat(TokenRules.issuerViolation(TokenRules.kinds(true, Set.of()), "scheduler:abc")).isEmpty();
        assertThat(TokenRules.issuerViolation(workerAndAdmin, "sharedthumbprint")).as("a shared key").isEmpty();
    }

    @Test
    void theKeyIdIsReadFromTheProtectedHeader() {
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"RS256\",\"kid\":\"scheduler:x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(TokenRules.keyId(header + ".e30.sig")).isEqualTo("scheduler:x");
        assertThat(TokenRules.keyId("e30.e30.sig")).as("no kid").isNull();
        assertThat(TokenRules.keyId("!!.e30.sig")).as("not base64").isNull();
        assertThat(TokenRules.keyId(null)).isNull();
    }

    @Test
    void theRefusalNamesTheRule() {
        assertThat(living(Kind.CAPABILITY, Duration.ofMinutes(60)))
                .contains("a capability token may live at most 15 minutes; this one lives 60 minutes");
        assertThat(living(Kind.WORKER, Duration.ofHours(8))).contains("a worker token may live at most 1 hour; this one lives 8 hours");
        assertThat(living(Kind.ADMIN, Duration.ofDays(366))).contains("an admin token may live at most 365 days; this one lives 366 days");
        assertThat(living(Kind.USER, Duration.ofDays(90).plusSeconds(1)))
                .contains("a user token may live at most 90 days; this one lives 7776001 seconds");
    }

    @Test
    void iatAndExpAreRequiredAndInOrder() {
        long now = NOW.getEpochSecond();
        assertThat(TokenRules.violation(Optional.of(Kind.USER), OptionalLong.empty(), OptionalLong.of(now + 60), NOW))
                .hasValueSatisfying(m -> assertThat(m).contains("iat"));
        assertThat(TokenRules.violation(Optional.of(Kind.USER), OptionalLong.of(now), OptionalLong.empty(), NOW))
                .hasValueSatisfying(m -> assertThat(m).contains("no exp"));
        assertThat(TokenRules.violation(Optional.empty(), OptionalLong.empty(), OptionalLong.of(now + 60), NOW)).isPresent();
        assertThat(TokenRules.violation(Optional.of(Kind.USER), OptionalLong.of(now), OptionalLong.of(now), NOW)).isPresent();
    }

    @Test
    void aTokenIssuedFurtherAheadThanClocksDisagreeIsRefused() {
        long ahead = NOW.plus(TokenRules.ISSUED_AHEAD_TOLERANCE).getEpochSecond();
        assertThat(TokenRules.violation(Optional.of(Kind.CAPABILITY), OptionalLong.of(ahead), OptionalLong.of(ahead + 60),
                NOW)).isEmpty();
        assertThat(TokenRules.violation(Optional.of(Kind.CAPABILITY), OptionalLong.of(ahead + 1),
                OptionalLong.of(ahead + 61), NOW)).hasValueSatisfying(m -> assertThat(m).contains("in the future"));
    }

    @Test
    void theKindIsCapabilityForABlobClaimElseTheShortestLivedOfTheGroups() {
        assertThat(TokenRules.kind(true, Set.of(Tokens.ADMIN))).contains(Kind.CAPABILITY);
        assertThat(TokenRules.kind(false, Set.of(Tokens.ADMIN))).contains(Kind.ADMIN);
        assertThat(TokenRules.kind(false, List.of(Tokens.USER))).contains(Kind.USER);
        assertThat(TokenRules.kind(false, Set.of(Tokens.ADMIN, Tokens.WORKER))).contains(Kind.WORKER);
        assertThat(TokenRules.kind(false, Set.of("guest"))).isEmpty();
        // nothing would bound the life of a token of no kind: it is refused
        long now = NOW.getEpochSecond();
        assertThat(TokenRules.violation(Optional.empty(), OptionalLong.of(now), OptionalLong.of(now + 60), NOW))
                .hasValueSatisfying(m -> assertThat(m).contains("none of them"));
    }

    @Test
    void eachKindNamesItsAudiencesAsTheProtocolTableSays() {
        assertThat(TokenRules.audiences(Kind.ADMIN))
                .containsExactlyInAnyOrder(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER, Tokens.AUDIENCE_STORE);
        assertThat(TokenRules.audiences(Kind.USER)).containsExactly(Tokens.AUDIENCE_SCHEDULER);
        assertThat(TokenRules.audiences(Kind.WORKER)).containsExactlyInAnyOrder(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER);
        assertThat(TokenRules.audiences(Kind.CAPABILITY)).containsExactly(Tokens.AUDIENCE_STORE);
    }

    @Test
    void aConfiguredLifetimeAboveTheMaximumFailsNamingTheSetting() {
        assertThat(TokenRules.requireAllowed(Kind.WORKER, Duration.ofHours(1), "x.ttl")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> TokenRules.requireAllowed(Kind.WORKER, Duration.ofDays(8), "upc.registry.worker-token-ttl"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upc.registry.worker-token-ttl is 8 days, but a worker token may live at most 1 hour");
        assertThatThrownBy(() -> TokenRules.requireAllowed(Kind.ADMIN, Duration.ZERO, "x.ttl"))
                .isInstanceOf(IllegalStateException.class);
    }
}
