package io.segmenthub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsentStatusTest {

    @ParameterizedTest
    @ValueSource(strings = {"granted", "GRANTED", " Grant ", "given", "opt-in", "optin", "yes", "true", "1"})
    void parsesGrantSpellings(String text) {
        assertThat(ConsentStatus.parse(text)).contains(ConsentStatus.GRANTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"denied", "Deny", "refused", "opt-out", "optout", "no", "FALSE", "0"})
    void parsesDenialSpellings(String text) {
        assertThat(ConsentStatus.parse(text)).contains(ConsentStatus.DENIED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"withdrawn", "withdraw", "Revoked "})
    void parsesWithdrawalSpellings(String text) {
        assertThat(ConsentStatus.parse(text)).contains(ConsentStatus.WITHDRAWN);
    }

    @Test
    void onlyAGrantPermits() {
        assertThat(ConsentStatus.GRANTED.permits()).isTrue();
        assertThat(ConsentStatus.DENIED.permits()).isFalse();
        assertThat(ConsentStatus.WITHDRAWN.permits()).isFalse();
    }

    @Test
    void withdrawalIsMoreRestrictiveThanDenialWhichIsMoreRestrictiveThanGrant() {
        assertThat(ConsentStatus.WITHDRAWN.restrictiveness()).isGreaterThan(ConsentStatus.DENIED.restrictiveness());
        assertThat(ConsentStatus.DENIED.restrictiveness()).isGreaterThan(ConsentStatus.GRANTED.restrictiveness());
    }

    @Nested
    class UnknownText {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "maybe", "pending", "2", "granted!"})
        void isNotAStatus(String text) {
            assertThat(ConsentStatus.parse(text)).isEmpty();
        }

        @Test
        void nullIsNotAStatus() {
            assertThat(ConsentStatus.parse(null)).isEmpty();
        }
    }
}
