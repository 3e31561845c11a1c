package io.segmenthub.consent;

import com.iabtcf.decoder.TCString;
import io.segmenthub.pipeline.ConsentSignal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads IAB Transparency and Consent Framework v2.2/v2.3 consent strings (as a CMP writes them
 * beside web analytics events) with the IAB's own decoder, and turns them into consent for the
 * hub's purposes that declare {@code tcf-purposes}: granted when every listed TCF purpose has
 * consent (and, when a vendor id is configured, when that vendor has consent too), otherwise
 * denied. A string that does not decode or fails validation (TCF version 2, policy version at
 * least the configured minimum: 4 is TCF v2.2, 5 is v2.3, which also requires the disclosed-vendors
 * segment) counts as no consent: denied for every mapped purpose, with the reason as evidence so
 * the run report can count it. See https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework.
 */
public final class TcfConsent {

    public static final String INVALID = "tcf:invalid";

    private final Map<String, List<Integer>> purposes;
    private final Optional<Integer> vendorId;
    private final int minPolicyVersion;

    public TcfConsent(Map<String, List<Integer>> purposes, Optional<Integer> vendorId, int minPolicyVersion) {
        this.purposes = Map.copyOf(purposes);
        this.vendorId = vendorId;
        this.minPolicyVersion = minPolicyVersion;
    }

    public static TcfConsent none() {
        return new TcfConsent(Map.of(), Optional.empty(), 4);
    }

    public boolean mapsAnyPurpose() {
        return !purposes.isEmpty();
    }

    /** Consent signals for the mapped purposes; {@code fallback} dates them when the string cannot be read. */
    public List<ConsentSignal> signals(String tcString, Instant fallback) {
        TCString tc;
        try {
            tc = TCString.decode(tcString.trim());
        } catch (RuntimeException e) {
            return denied(fallback, "not a decodable TC string");
        }
        Optional<String> problem = problem(tc);
        if (problem.isPresent()) {
            return denied(fallback, problem.get());
        }
        Instant at = tc.getLastUpdated() == null ? fallback : tc.getLastUpdated();
        boolean vendorOk = vendorId.map(v -> tc.getVendorConsent().contains(v)).orElse(true);
        String evidence = "tcf:cmp=" + tc.getCmpId() + " policy=" + tc.getTcfPolicyVersion() + " updated=" + at;
        List<ConsentSignal> signals = new ArrayList<>();
        purposes.forEach((purpose, tcfPurposes) -> {
            boolean granted = vendorOk && tcfPurposes.stream().allMatch(p -> tc.getPurposesConsent().contains(p));
            signals.add(new ConsentSignal(purpose, granted ? ConsentStatus.GRANTED : ConsentStatus.DENIED, at, evidence));
        });
        return signals;
    }

    private Optional<String> problem(TCString tc) {
        try {
            if (tc.getVersion() != 2) {
                return Optional.of("TCF version " + tc.getVersion() + " is not supported");
            }
            if (tc.getTcfPolicyVersion() < minPolicyVersion) {
                return Optional.of("policy version " + tc.getTcfPolicyVersion() + " is older than " + minPolicyVersion);
            }
            if (tc.getTcfPolicyVersion() >= 5 && !tc.getDisclosedVendors().iterator().hasNext()) {
                return Optional.of("TCF v2.3 string without the disclosed-vendors segment");
            }
            tc.getPurposesConsent().iterator().hasNext(); // forces the lazily decoded core segment
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("malformed TC string");
        }
    }

    private List<ConsentSignal> denied(Instant at, String reason) {
        List<ConsentSignal> signals = new ArrayList<>();
        purposes.keySet().forEach(purpose -> signals.add(new ConsentSignal(purpose, ConsentStatus.DENIED, at, INVALID + ": " + reason)));
        return signals;
    }
}
