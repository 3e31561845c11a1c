package io.segmenthub.system;

import io.segmenthub.segment.RfmThresholds;
import io.segmenthub.segment.cluster.BehaviourClusterer;
import io.segmenthub.segment.cluster.ClusterFeature;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Hub-wide settings from {@code hub.yml}. {@code personalData} is the one declaration of which
 * identity attributes are personal data: those are sealed at rest, masked, and shredded on
 * erasure; the others (country, city) stay readable for segmentation.
 */
public record HubSettings(
        @NotEmpty List<String> personalData,
        @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 alpha-2 code such as CN or GB") String defaultRegion,
        @Valid Survivorship survivorship,
        @Valid Scoring scoring,
        @Valid Tcf tcf,
        @Valid Resolution resolution) {

    public HubSettings(List<String> personalData, String defaultRegion, Survivorship survivorship, Scoring scoring) {
        this(personalData, defaultRegion, survivorship, scoring, null, null);
    }

    /**
     * Identity resolution: records sharing a blind-indexed e-mail or phone always join; with
     * {@code probabilistic: true} the Fellegi-Sunter engine also links records by names, birth
     * date and address. Off by default until it is measured on labelled data like the user's own.
     */
    public record Resolution(Boolean probabilistic, Boolean fullResolve) {
        public boolean probabilisticOrDefault() {
            return probabilistic != null && probabilistic;
        }

        /** Compare every record on every run instead of only new and changed ones (default: incremental). */
        public boolean fullResolveOrDefault() {
            return fullResolve != null && fullResolve;
        }
    }

    /**
     * How IAB TCF strings are read: {@code minPolicyVersion} 4 accepts TCF v2.2 and later (5 = v2.3);
     * {@code vendorId}, when set, must also have consent in the string.
     */
    public record Tcf(@jakarta.validation.constraints.Positive Integer vendorId,
                      @jakarta.validation.constraints.Min(2) Integer minPolicyVersion) {
        public int minPolicyVersionOrDefault() {
            return minPolicyVersion == null ? 4 : minPolicyVersion;
        }
    }

    public HubSettings {
        tcf = tcf == null ? new Tcf(null, null) : tcf;
        resolution = resolution == null ? new Resolution(null, null) : resolution;
        survivorship = survivorship == null ? new Survivorship(List.of()) : survivorship;
        scoring = scoring == null ? new Scoring(null, null, null, null) : scoring;
        defaultRegion = defaultRegion == null ? "CN" : defaultRegion;
    }

    /**
     * Survivorship: the most recent non-empty value wins, unless a source priority is set; {@code rules}
     * picks another rule per attribute: source-priority, most-recent, most-frequent, most-complete, longest.
     */
    public record Survivorship(List<String> sourcePriority,
                               Map<@Pattern(regexp = "given_name|family_name|full_name|email|phone|street|city|postcode|country|birth_date",
                                       message = "is not an identity attribute") String,
                                   @Pattern(regexp = "source-priority|most-recent|most-frequent|most-complete|longest",
                                           message = "must be one of source-priority, most-recent, most-frequent, most-complete, longest")
                                   String> rules) {
        public Survivorship(List<String> sourcePriority) {
            this(sourcePriority, null);
        }

        public Survivorship {
            sourcePriority = sourcePriority == null ? List.of() : List.copyOf(sourcePriority);
            rules = rules == null ? Map.of() : Map.copyOf(rules);
        }
    }

    /**
     * Scoring: {@code asOf} fixes the day recency is measured from (default: today), amounts are
     * converted to {@code currency} with {@code fxRates} (units of {@code currency} per unit).
     */
    public record Scoring(LocalDate asOf,
                          @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as CNY") String currency,
                          Map<String, BigDecimal> fxRates,
                          RfmThresholds rfmThresholds,
                          @Valid Clv clv,
                          @Valid Clustering clustering) {
        public Scoring {
            currency = currency == null ? "CNY" : currency;
            fxRates = fxRates == null ? Map.of() : Map.copyOf(fxRates);
            clv = clv == null ? new Clv(null, null, null) : clv;
            clustering = clustering == null ? Clustering.OFF : clustering;
        }

        public Scoring(LocalDate asOf, String currency, Map<String, BigDecimal> fxRates, RfmThresholds rfmThresholds) {
            this(asOf, currency, fxRates, rfmThresholds, null, null);
        }

        /**
         * Behaviour clusters (k-means++ over standardised features of the profiles that have
         * purchased). Off without this section; on when the section is there, unless
         * {@code enabled: false}. {@code k} is a number of clusters or {@code auto} (the default):
         * the k in {@code kRange} (default 2 to 8) with the best silhouette. {@code seed} (default 42)
         * makes runs reproducible; {@code restarts} (default 5) seeded starts per k, the lowest sum
         * of squared errors wins; {@code features} default to all five. The loader checks the
         * values; see {@code HubConfigLoader}.
         */
        public record Clustering(Boolean enabled,
                                 String k,
                                 List<Integer> kRange,
                                 Long seed,
                                 @jakarta.validation.constraints.Min(value = 1, message = "must be at least 1")
                                 @jakarta.validation.constraints.Max(value = 50, message = "must be at most 50") Integer restarts,
                                 List<ClusterFeature> features) {

            /** Most clusters that can be asked for: more would not be read by anyone. */
            public static final int MAX_K = 20;
            static final Clustering OFF = new Clustering(false, null, null, null, null, null);

            public Clustering {
                // null-tolerant copies: the loader names a missing element with its index
                kRange = kRange == null ? List.of(2, 8) : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(kRange));
                features = features == null ? List.of(ClusterFeature.values())
                        : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(features));
            }

            public boolean enabledOrDefault() {
                return enabled == null || enabled;
            }

            /** The configured k, or empty for {@code auto}; only meaningful once the loader has checked it. */
            public OptionalInt fixedK() {
                return k == null || k.equals("auto") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(k.strip()));
            }

            public long seedOrDefault() {
                return seed == null ? 42 : seed;
            }

            public int restartsOrDefault() {
                return restarts == null ? 5 : restarts;
            }

            public BehaviourClusterer.Settings settings() {
                return new BehaviourClusterer.Settings(features, fixedK(), kRange.get(0), kRange.get(1), seedOrDefault(), restartsOrDefault());
            }
        }

        /**
         * Customer lifetime value: over {@code horizonMonths} (default 12), discounted by
         * {@code monthlyDiscountRate} (default 0.01); profiles younger than {@code minimumAgeWeeks}
         * (default 4) get no CLV. The models are fitted again when the as-of day or the currency
         * moves, or when more than {@code refitWhenChangedShare} (default 0.01) of the
         * buyers' purchase histories changed since the last fit (0: whenever any changed); otherwise the last
         * fit values everyone.
         */
        public record Clv(@jakarta.validation.constraints.Positive Integer horizonMonths,
                          @jakarta.validation.constraints.PositiveOrZero Double monthlyDiscountRate,
                          @jakarta.validation.constraints.PositiveOrZero Double minimumAgeWeeks,
                          @jakarta.validation.constraints.PositiveOrZero @jakarta.validation.constraints.DecimalMax("1")
                          Double refitWhenChangedShare) {

            public Clv(Integer horizonMonths, Double monthlyDiscountRate, Double minimumAgeWeeks) {
                this(horizonMonths, monthlyDiscountRate, minimumAgeWeeks, null);
            }

            public double refitShare() {
                return refitWhenChangedShare == null ? 0.01 : refitWhenChangedShare;
            }

            public int horizon() {
                return horizonMonths == null ? 12 : horizonMonths;
            }

            public double discount() {
                return monthlyDiscountRate == null ? 0.01 : monthlyDiscountRate;
            }

            public double minimumAge() {
                return minimumAgeWeeks == null ? 4 : minimumAgeWeeks;
            }
        }

        public Optional<LocalDate> fixedAsOf() {
            return Optional.ofNullable(asOf);
        }

        public Optional<RfmThresholds> thresholds() {
            return Optional.ofNullable(rfmThresholds);
        }
    }
}
