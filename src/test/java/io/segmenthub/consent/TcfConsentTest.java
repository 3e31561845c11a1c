package io.segmenthub.consent;

import com.iabtcf.encoder.TCStringEncoder;
import io.segmenthub.pipeline.ConsentSignal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TcfConsentTest {

    private static final Instant UPDATED = Instant.parse("2026-10-01T10:00:00Z");
    private static final Instant FALLBACK = Instant.parse("2026-10-02T00:00:00Z");
    private static final int OUR_VENDOR = 755;

    private final TcfConsent tcf = new TcfConsent(
            Map.of("analytics", List.of(1, 8), "marketing_email", List.of(1, 3, 4)), Optional.of(OUR_VENDOR), 4);

    private static TCStringEncoder.Builder string(int policyVersion) {
        return TCStringEncoder.newBuilder().version(2).created(UPDATED.minus(1, ChronoUnit.DAYS)).lastUpdated(UPDATED)
                .cmpId(31).cmpVersion(1).consentScreen(1).consentLanguage("EN").vendorListVersion(120)
                .tcfPolicyVersion(policyVersion).isServiceSpecific(true);
    }

    @Test
    void purposesWhoseTcfPurposesAllHaveConsentAreGrantedAndTheOthersDenied() {
        String tc = string(4).addPurposesConsent(1).addPurposesConsent(8).addVendorConsent(OUR_VENDOR).encode();

        List<ConsentSignal> signals = tcf.signals(tc, FALLBACK);

        assertThat(signals).extracting(ConsentSignal::purpose, ConsentSignal::status, ConsentSignal::occurredAt)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("analytics", ConsentStatus.GRANTED, UPDATED),
                        org.assertj.core.groups.Tuple.tuple("marketing_email", ConsentStatus.DENIED, UPDATED));
        assertThat(signals.get(0).evidence()).startsWith("tcf:cmp=31 policy=4");
    }

    @Test
    void withoutConsentForOurVendorNothingIsGranted() {
        String tc = string(4).addPurposesConsent(1).addPurposesConsent(8).addVendorConsent(1).encode();

        assertThat(tcf.signals(tc, FALLBACK)).extracting(ConsentSignal::status).containsOnly(ConsentStatus.DENIED);
    }

    @Nested
    class InvalidStringsCountAsNoConsent {
        @Test
        void garbage() {
            List<ConsentSignal> signals = tcf.signals("not-a-tc-string!!", FALLBACK);

            assertThat(signals).extracting(ConsentSignal::status).containsOnly(ConsentStatus.DENIED);
            assertThat(signals).extracting(ConsentSignal::occurredAt).containsOnly(FALLBACK);
            assertThat(signals.get(0).evidence()).startsWith(TcfConsent.INVALID).doesNotContain("not-a-tc-string");
        }

        @Test
        void aPolicyVersionOlderThanTcf22() {
            String tc = string(2).addPurposesConsent(1).addPurposesConsent(8).addVendorConsent(OUR_VENDOR).encode();

            assertThat(tcf.signals(tc, FALLBACK)).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(ConsentStatus.DENIED);
                assertThat(s.evidence()).contains("policy version 2 is older than 4");
            });
        }
    }
}
