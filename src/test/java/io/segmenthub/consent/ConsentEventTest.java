package io.segmenthub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConsentEventTest {

    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    static ConsentEvent event(ConsentStatus status, Instant at) {
        return new ConsentEvent("subject-1", "marketing_email", status, at, "consent-platform", "form-7", Optional.empty());
    }

    static ConsentEvent grant(Instant at, Instant expiresAt) {
        return new ConsentEvent("subject-1", "marketing_email", ConsentStatus.GRANTED, at, "consent-platform", "form-7",
                Optional.of(expiresAt));
    }

    @Nested
    class Supersedes {

        @Test
        void aLaterEventSupersedesAnEarlierOneWhateverItsStatus() {
            ConsentEvent withdrawn = event(ConsentStatus.WITHDRAWN, T0);
            ConsentEvent laterGrant = event(ConsentStatus.GRANTED, T0.plusSeconds(1));

            assertThat(laterGrant.supersedes(withdrawn)).isTrue();
            assertThat(withdrawn.supersedes(laterGrant)).isFalse();
        }

        @Test
        void atTheSameInstantTheMoreRestrictiveStatusWins() {
            ConsentEvent granted = event(ConsentStatus.GRANTED, T0);
            ConsentEvent denied = event(ConsentStatus.DENIED, T0);
            ConsentEvent withdrawn = event(ConsentStatus.WITHDRAWN, T0);

            assertThat(denied.supersedes(granted)).isTrue();
            assertThat(granted.supersedes(denied)).isFalse();
            assertThat(withdrawn.supersedes(denied)).isTrue();
            assertThat(denied.supersedes(withdrawn)).isFalse();
        }

        @Test
        void anEqualEventDoesNotSupersedeItself() {
            assertThat(event(ConsentStatus.GRANTED, T0).supersedes(event(ConsentStatus.GRANTED, T0))).isFalse();
            assertThat(grant(T0, T0.plusSeconds(60)).supersedes(grant(T0, T0.plusSeconds(60)))).isFalse();
        }

        @Test
        void atTheSameInstantAndStatusTheGrantThatExpiresFirstWinsWhicheverComesFirst() {
            ConsentEvent open = event(ConsentStatus.GRANTED, T0);
            ConsentEvent thirtyDays = grant(T0, T0.plusSeconds(30 * 86_400L));
            ConsentEvent oneDay = grant(T0, T0.plusSeconds(86_400L));

            assertThat(thirtyDays.supersedes(open)).isTrue();
            assertThat(open.supersedes(thirtyDays)).isFalse();
            assertThat(oneDay.supersedes(thirtyDays)).isTrue();
            assertThat(thirtyDays.supersedes(oneDay)).isFalse();
            // the ledger's rule gives one answer whatever order the store returns the events in
            Instant inTwoDays = T0.plusSeconds(2 * 86_400L);
            for (var order : java.util.List.of(java.util.List.of(open, thirtyDays, oneDay), java.util.List.of(oneDay, open, thirtyDays),
                    java.util.List.of(thirtyDays, oneDay, open))) {
                assertThat(ConsentLedger.latest(order)).contains(oneDay);
                assertThat(ConsentLedger.latest(order).flatMap(e -> e.effectiveAt(inTwoDays))).isEmpty();
            }
        }
    }

    @Nested
    class EffectiveAt {

        @Test
        void aGrantWithoutExpiryStaysGranted() {
            assertThat(event(ConsentStatus.GRANTED, T0).effectiveAt(T0.plusSeconds(86_400L * 3650)))
                    .contains(ConsentStatus.GRANTED);
        }

        @Test
        void aGrantBeforeItsExpiryIsGranted() {
            Instant expiry = T0.plusSeconds(3600);

            assertThat(grant(T0, expiry).effectiveAt(expiry.minusSeconds(1))).contains(ConsentStatus.GRANTED);
        }

        @Test
        void anExpiredGrantCountsAsNoConsent() {
            Instant expiry = T0.plusSeconds(3600);

            assertThat(grant(T0, expiry).effectiveAt(expiry)).isEmpty();
            assertThat(grant(T0, expiry).effectiveAt(expiry.plusSeconds(1))).isEmpty();
        }

        @Test
        void aDenialDoesNotExpire() {
            ConsentEvent denied = new ConsentEvent("subject-1", "marketing_email", ConsentStatus.DENIED, T0,
                    "consent-platform", "form-7", Optional.of(T0.plusSeconds(60)));

            assertThat(denied.effectiveAt(T0.plusSeconds(3600))).contains(ConsentStatus.DENIED);
        }
    }
}
