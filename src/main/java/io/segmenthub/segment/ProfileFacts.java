package io.segmenthub.segment;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a segment rule can see of one golden profile. {@link SegmentRule} exposes these to CEL as
 * the variables {@code rfm}, {@code value_type}, {@code consent}, {@code attributes},
 * {@code sources}, {@code orders}, {@code revenue}, {@code days_since_purchase}, {@code events},
 * {@code has_email}, {@code has_phone}, {@code has_purchases}, {@code clv} (customer lifetime value
 * in the scoring currency, -1 when the history is too short), {@code p_alive} (BG/NBD probability
 * that the customer is still active, -1 when never purchased) and {@code cluster} (the behaviour
 * cluster's id, {@code "none"} when not clustered).
 *
 * @param rfm               empty when the profile has never purchased
 * @param daysSincePurchase empty when the profile has never purchased
 * @param cluster           empty when the profile was not clustered (never purchased, or clustering off)
 */
public record ProfileFacts(String goldenId, Optional<RfmScore> rfm, Map<String, Boolean> consent,
                           Map<String, String> attributes, Set<String> sources, long orders,
                           BigDecimal revenue, OptionalLong daysSincePurchase, long events,
                           boolean hasEmail, boolean hasPhone, OptionalDouble clv, OptionalDouble probabilityAlive,
                           Optional<String> cluster) {

    /** {@code cluster} for a profile that was not clustered. */
    public static final String NO_CLUSTER = "none";

    public ProfileFacts(String goldenId, Optional<RfmScore> rfm, Map<String, Boolean> consent,
                        Map<String, String> attributes, Set<String> sources, long orders,
                        BigDecimal revenue, OptionalLong daysSincePurchase, long events,
                        boolean hasEmail, boolean hasPhone) {
        this(goldenId, rfm, consent, attributes, sources, orders, revenue, daysSincePurchase, events, hasEmail, hasPhone,
                OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty());
    }

    public ProfileFacts {
        Objects.requireNonNull(goldenId, "goldenId");
        Objects.requireNonNull(rfm, "rfm");
        Objects.requireNonNull(revenue, "revenue");
        Objects.requireNonNull(daysSincePurchase, "daysSincePurchase");
        Objects.requireNonNull(clv, "clv");
        Objects.requireNonNull(probabilityAlive, "probabilityAlive");
        Objects.requireNonNull(cluster, "cluster");
        consent = Map.copyOf(consent);
        attributes = Map.copyOf(attributes);
        sources = Set.copyOf(sources);
    }

    /** The facts as CEL variables, with CEL's types: int is {@code Long}, double is {@code Double}. */
    Map<String, Object> celVariables() {
        Map<String, Object> rfmVariable = rfm
                .<Map<String, Object>>map(s -> Map.of(
                        "recency", (long) s.recency(),
                        "frequency", (long) s.frequency(),
                        "monetary", (long) s.monetary(),
                        "code", s.code(),
                        "segment", s.segment(),
                        "value_type", s.valueType().key()))
                .orElse(NO_PURCHASES);
        return Map.ofEntries(
                Map.entry("rfm", rfmVariable),
                Map.entry("value_type", rfmVariable.get("value_type")),
                Map.entry("consent", consent),
                Map.entry("attributes", attributes),
                Map.entry("sources", sources.stream().sorted().toList()),
                Map.entry("orders", orders),
                Map.entry("revenue", revenue.doubleValue()),
                Map.entry("days_since_purchase", daysSincePurchase.orElse(-1)),
                Map.entry("events", events),
                Map.entry("has_email", hasEmail),
                Map.entry("has_phone", hasPhone),
                Map.entry("has_purchases", orders > 0),
                Map.entry("clv", clv.orElse(-1)),
                Map.entry("p_alive", probabilityAlive.orElse(-1)),
                Map.entry("cluster", cluster.orElse(NO_CLUSTER)));
    }

    /** {@code rfm} for a profile that has never purchased: same keys, so rules need no has() guard. */
    static final Map<String, Object> NO_PURCHASES = Map.of(
            "recency", 0L, "frequency", 0L, "monetary", 0L,
            "code", "", "segment", "", "value_type", "none");
}
