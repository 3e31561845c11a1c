package io.segmenthub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SegmentRuleTest {

    /** Fixture factory: a profile that has never purchased, changed by the with-methods. */
    private static final class Profile {
        private Optional<RfmScore> rfm = Optional.empty();
        private final Map<String, Boolean> consent = new HashMap<>();
        private final Map<String, String> attributes = new HashMap<>();
        private Set<String> sources = Set.of();
        private long orders;
        private BigDecimal revenue = BigDecimal.ZERO;
        private OptionalLong daysSincePurchase = OptionalLong.empty();
        private Optional<String> cluster = Optional.empty();
        private java.util.OptionalDouble clv = java.util.OptionalDouble.empty();
        private java.util.OptionalDouble probabilityAlive = java.util.OptionalDouble.empty();

        Profile lifetime(double value, double alive) {
            clv = java.util.OptionalDouble.of(value);
            probabilityAlive = java.util.OptionalDouble.of(alive);
            return this;
        }

        Profile cluster(String id) {
            cluster = Optional.of(id);
            return this;
        }

        Profile rfm(int r, int f, int m) {
            rfm = Optional.of(RfmScorer.classify(r, f, m));
            return this;
        }

        Profile consent(String purpose, boolean granted) {
            consent.put(purpose, granted);
            return this;
        }

        Profile attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        Profile sources(String... names) {
            sources = Set.of(names);
            return this;
        }

        Profile purchases(long count, String total, long daysAgo) {
            orders = count;
            revenue = new BigDecimal(total);
            daysSincePurchase = OptionalLong.of(daysAgo);
            return this;
        }

        ProfileFacts facts() {
            return new ProfileFacts("g-42", rfm, consent, attributes, sources, orders, revenue,
                    daysSincePurchase, 7, true, false, clv, probabilityAlive, cluster);
        }
    }

    private static Profile profile() {
        return new Profile();
    }

    private static boolean matches(String expression, Profile profile) {
        return SegmentRule.compile(expression).matches(profile.facts());
    }

    @Test
    void clusterIdsCanBeMatchedAndUnclusteredProfilesReadNone() {
        String rule = "cluster == 'c2' && consent.marketing_email";

        assertThat(matches(rule, profile().cluster("c2").consent("marketing_email", true))).isTrue();
        assertThat(matches(rule, profile().cluster("c12").consent("marketing_email", true))).isFalse();
        assertThat(matches(rule, profile().consent("marketing_email", true))).isFalse();
        assertThat(matches("cluster == 'none'", profile())).isTrue();
        assertThat(matches("cluster in ['c1', 'c3']", profile().cluster("c3"))).isTrue();
    }

    @Test
    void segmentInListAndMarketingConsent() {
        String rule = "rfm.segment in ['Champions', 'Loyal Customers'] && consent.marketing_email";

        assertThat(matches(rule, profile().rfm(5, 5, 5).consent("marketing_email", true))).isTrue();
        assertThat(matches(rule, profile().rfm(3, 4, 4).consent("marketing_email", true))).isTrue();
        assertThat(matches(rule, profile().rfm(5, 5, 5).consent("marketing_email", false))).isFalse();
        assertThat(matches(rule, profile().rfm(1, 1, 1).consent("marketing_email", true))).isFalse();
    }

    @Test
    void opportunityLapsedForHalfAYear() {
        String rule = "value_type == 'opportunity' && days_since_purchase > 180";

        assertThat(matches(rule, profile().rfm(1, 2, 5).purchases(2, "900", 200))).isTrue();
        assertThat(matches(rule, profile().rfm(1, 2, 5).purchases(2, "900", 180))).isFalse();
        assertThat(matches(rule, profile().rfm(1, 2, 2).purchases(2, "90", 200))).isFalse();
        assertThat(matches(rule, profile())).as("never purchased").isFalse();
    }

    @Test
    void crmSourceAndCountry() {
        String rule = "'crm' in sources && attributes.country == 'CN'";

        assertThat(matches(rule, profile().sources("crm", "shop").attribute("country", "CN"))).isTrue();
        assertThat(matches(rule, profile().sources("crm").attribute("country", "DE"))).isFalse();
        assertThat(matches(rule, profile().sources("shop").attribute("country", "CN"))).isFalse();
    }

    @Test
    void hasAttributeTestsForPresence() {
        assertThat(matches("has(attributes.city)", profile().attribute("city", "Shanghai"))).isTrue();
        assertThat(matches("has(attributes.city)", profile().attribute("country", "CN"))).isFalse();
    }

    @Test
    void revenueAndOrderCount() {
        String rule = "revenue >= 500.0 && orders >= 3";

        assertThat(matches(rule, profile().purchases(3, "500.00", 10))).isTrue();
        assertThat(matches(rule, profile().purchases(3, "499.99", 10))).isFalse();
        assertThat(matches(rule, profile().purchases(2, "900", 10))).isFalse();
    }

    @Test
    void anIntLiteralComparesWithTheDoubleRevenue() {
        assertThat(matches("revenue >= 500", profile().purchases(3, "500", 10))).isTrue();
        assertThat(matches("revenue >= 500", profile().purchases(3, "499.5", 10))).isFalse();
    }

    @Test
    void aScoredProfileExposesItsScoresAsInts() {
        String rule = "rfm.recency == 5 && rfm.frequency == 4 && rfm.monetary >= 5 && rfm.code == '545'"
                + " && rfm.value_type == 'high_value' && value_type == 'high_value' && has_purchases"
                + " && days_since_purchase == 3 && events == 7 && has_email && !has_phone";

        assertThat(matches(rule, profile().rfm(5, 4, 5).purchases(4, "1200", 3))).isTrue();
        assertThat(matches(rule, profile().rfm(5, 4, 4).purchases(4, "1200", 3))).isFalse();
    }

    @Test
    void aProfileWithoutPurchasesSeesZeroScoresAndNone() {
        String rule = "rfm.recency == 0 && rfm.frequency == 0 && rfm.monetary == 0 && rfm.code == ''"
                + " && rfm.segment == '' && value_type == 'none' && !has_purchases"
                + " && days_since_purchase == -1 && orders == 0 && revenue == 0.0";

        assertThat(matches(rule, profile())).isTrue();
        assertThat(matches(rule, profile().rfm(1, 1, 1).purchases(1, "5", 400))).isFalse();
    }

    @Test
    void lifetimeValueAndPAliveReadAsDoublesAndMinusOneWhenNotValued() {
        String rule = "clv >= 120.5 && p_alive > 0.5";

        assertThat(matches(rule, profile().rfm(4, 3, 4).purchases(3, "300", 20).lifetime(130.25, 0.8))).isTrue();
        assertThat(matches(rule, profile().rfm(4, 3, 4).purchases(3, "300", 20).lifetime(130.25, 0.4))).isFalse();
        assertThat(matches("clv == -1.0 && p_alive == -1.0", profile())).isTrue();
    }

    @Test
    void everyDeclaredVariableIsAnsweredByTheFactsWithItsDeclaredType() {
        // a variable the facts did not answer, or answered with another type, fails evaluation
        String rule = "size(rfm) == 6 && value_type == 'none' && size(consent) == 0 && size(attributes) == 0"
                + " && sources == [] && orders == 0 && revenue == 0.0 && days_since_purchase == -1 && events == 7"
                + " && has_email && !has_phone && !has_purchases && clv == -1.0 && p_alive == -1.0 && cluster == 'none'";

        SegmentRule compiled = SegmentRule.compile(rule);

        assertThat(compiled.variables()).hasSize(15);
        assertThat(compiled.matches(profile().facts())).isTrue();
    }

    @Test
    void sourcesReadInOrder() {
        assertThat(matches("sources == ['crm', 'erp', 'shop']", profile().sources("shop", "crm", "erp"))).isTrue();
    }

    @Test
    void keepsTheExpressionItWasCompiledFrom() {
        assertThat(SegmentRule.compile("orders >= 3").expression()).isEqualTo("orders >= 3");
    }

    @Test
    void oneRuleCanBeEvaluatedFromManyThreads() {
        SegmentRule rule = SegmentRule.compile("revenue >= 500.0 && 'crm' in sources");
        List<ProfileFacts> profiles = IntStream.range(0, 2000)
                .mapToObj(i -> profile().sources(i % 2 == 0 ? "crm" : "shop")
                        .purchases(1, String.valueOf(i % 3 == 0 ? 600 : 100), 1).facts())
                .toList();

        List<Boolean> parallel = profiles.parallelStream().map(rule::matches).toList();

        assertThat(parallel).isEqualTo(profiles.stream().map(rule::matches).toList());
        assertThat(parallel.stream().filter(b -> b).count()).isEqualTo(334);
    }

    @Nested
    class RejectsAtCompileTime {

        @Test
        void badSyntax() {
            assertThatThrownBy(() -> SegmentRule.compile("orders >= "))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("does not compile")
                    .hasMessageContaining("<input>:1:11");
        }

        @Test
        void anUnknownVariable() {
            assertThatThrownBy(() -> SegmentRule.compile("ordrs >= 3"))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("undeclared reference to 'ordrs'");
        }

        @Test
        void aResultThatIsNotBool() {
            assertThatThrownBy(() -> SegmentRule.compile("orders + 1"))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("must return bool but returns int");
        }

        @Test
        void aDynResultBecauseItMightNotBeBool() {
            assertThatThrownBy(() -> SegmentRule.compile("rfm.segment"))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("must return bool but returns dyn");
        }

        @Test
        void aTypeErrorBetweenDeclaredVariables() {
            assertThatThrownBy(() -> SegmentRule.compile("has_email > 3"))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("found no matching overload for '_>_'");
        }
    }

    @Nested
    class FailsAtEvaluation {

        @Test
        void onAMissingAttributeKey() {
            SegmentRule rule = SegmentRule.compile("attributes.country == 'CN'");

            assertThatThrownBy(() -> rule.matches(profile().attribute("city", "Shanghai").facts()))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("key 'country' is not present in map")
                    .hasMessageContaining("g-42")
                    .hasMessageNotContaining("Shanghai");
        }

        @Test
        void onAMissingConsentPurpose() {
            SegmentRule rule = SegmentRule.compile("consent.marketing_sms");

            assertThatThrownBy(() -> rule.matches(profile().consent("marketing_email", true).facts()))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("key 'marketing_sms' is not present in map");
        }

        @Test
        void withoutQuotingProfileDataCelPutInItsMessage() {
            SegmentRule rule = SegmentRule.compile("int(attributes.email) > 0");

            assertThatThrownBy(() -> rule.matches(profile().attribute("email", "ada@example.org").facts()))
                    .isInstanceOf(SegmentRuleException.class)
                    .hasMessageContaining("BAD_FORMAT")
                    .hasMessageNotContaining("ada@example.org");
        }
    }

    @Nested
    class VariablesRead {

        @Test
        void areTheDeclaredVariablesTheRuleNamesNotItsFunctionsOrLocals() {
            assertThat(SegmentRule.compile("orders >= 1").variables()).containsExactly("orders");
            assertThat(SegmentRule.compile("orders >= 1 && consent.marketing_email && revenue > 10.0").variables())
                    .containsExactlyInAnyOrder("orders", "consent", "revenue");
            assertThat(SegmentRule.compile("has(attributes.country) && attributes.country == 'CN' && 'web' in sources").variables())
                    .containsExactlyInAnyOrder("attributes", "sources");
            assertThat(SegmentRule.compile("size(sources) > 1 || rfm.segment == 'Champions'").variables())
                    .containsExactlyInAnyOrder("sources", "rfm");
            assertThat(SegmentRule.compile("sources.exists(s, s == 'crm') && has_email").variables())
                    .containsExactlyInAnyOrder("sources", "has_email");
            assertThat(SegmentRule.compile("true").variables()).isEmpty();
        }
    }
}
