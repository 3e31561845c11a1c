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

    /**
     * One fact as the CEL variable of that name, with CEL's types (int is {@code Long}, double is
     * {@code Double}); empty for a name that is no variable. Asked for by name as a rule reads it,
     * so a rule over {@code orders} does not build {@code rfm} or sort {@code sources} for every
     * profile.
     */
    Optional<Object> variable(String name) {
        // an assignment to Object boxes each arm on its own (long stays Long, double Double)
        Object value = switch (name) {
            case "rfm" -> rfmVariable();
            case "value_type" -> rfm.map(s -> s.valueType().key()).orElse((String) NO_PURCHASES.get("value_type"));
            case "consent" -> consent;
            case "attributes" -> attributes;
            case "sources" -> sources.stream().sorted().toList();
            case "orders" -> orders;
            case "revenue" -> revenue.doubleValue();
            case "days_since_purchase" -> daysSincePurchase.orElse(-1);
            case "events" -> events;
            case "has_email" -> hasEmail;
            case "has_phone" -> hasPhone;
            case "has_purchases" -> orders > 0;
            case "clv" -> clv.orElse(-1);
            case "p_alive" -> probabilityAlive.orElse(-1);
            case "cluster" -> cluster.orElse(NO_CLUSTER);
            default -> null;
        };
        return Optional.ofNullable(value);
    }

    private Map<String, Object> rfmVariable() {
        return rfm.<Map<String, Object>>map(s -> Map.of(
                        "recency", (long) s.recency(),
                        "frequency", (long) s.frequency(),
                        "monetary", (long) s.monetary(),
                        "code", s.code(),
                        "segment", s.segment(),
                        "value_type", s.valueType().key()))
                .orElse(NO_PURCHASES);
    }

    /** {@code rfm} for a profile that has never purchased: same keys, so rules need no has() guard. */
    static final Map<String, Object> NO_PURCHASES = Map.of(
            "recency", 0L, "frequency", 0L, "monetary", 0L,
            "code", "", "segment", "", "value_type", "none");
}
