package io.segmenthub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LawfulBasisTest {

    @Nested
    class Consent {

        @Test
        void permitsOnlyAGrantedConsent() {
            assertThat(LawfulBasis.CONSENT.permits(Optional.of(ConsentStatus.GRANTED))).isTrue();
        }

        @ParameterizedTest
        @EnumSource(value = ConsentStatus.class, names = {"DENIED", "WITHDRAWN"})
        void stopsOnDenialOrWithdrawal(ConsentStatus status) {
            assertThat(LawfulBasis.CONSENT.permits(Optional.of(status))).isFalse();
        }

        @Test
        void stopsWhenNoConsentWasRecorded() {
            assertThat(LawfulBasis.CONSENT.permits(Optional.empty())).isFalse();
        }
    }

    @Nested
    class LegitimateInterest {

        @Test
        void allowsProcessingWhenNothingWasRecorded() {
            assertThat(LawfulBasis.LEGITIMATE_INTEREST.permits(Optional.empty())).isTrue();
        }

        @Test
        void allowsProcessingAfterAGrant() {
            assertThat(LawfulBasis.LEGITIMATE_INTEREST.permits(Optional.of(ConsentStatus.GRANTED))).isTrue();
        }

        @ParameterizedTest
        @EnumSource(value = ConsentStatus.class, names = {"DENIED", "WITHDRAWN"})
        void treatsDenialOrWithdrawalAsAnObjectionAndStops(ConsentStatus status) {
            assertThat(LawfulBasis.LEGITIMATE_INTEREST.permits(Optional.of(status))).isFalse();
        }
    }

    @Nested
    class Contract {

        @ParameterizedTest
        @EnumSource(ConsentStatus.class)
        void permitsWhateverWasRecorded(ConsentStatus status) {
            assertThat(LawfulBasis.CONTRACT.permits(Optional.of(status))).isTrue();
        }

        @Test
        void permitsWhenNothingWasRecorded() {
            assertThat(LawfulBasis.CONTRACT.permits(Optional.empty())).isTrue();
        }
    }
}
