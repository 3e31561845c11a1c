package io.segmenthub.pipeline;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorKind;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.connector.RecordMapping;
import io.segmenthub.consent.LawfulBasis;
import io.segmenthub.consent.Purpose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which connectors a run pulls side by side: never two of one system, never a consent source beside
 * anything, and never a connector before one listed ahead of it whose records carry consent for the
 * purpose it is gated by.
 */
class PullPlanTest {

    static final Map<String, Purpose> PURPOSES = Map.of(
            "customer_account", new Purpose("customer_account", LawfulBasis.CONTRACT, null, null),
            "analytics", new Purpose("analytics", LawfulBasis.CONSENT, null, null),
            "marketing_email", new Purpose("marketing_email", LawfulBasis.CONSENT, null, null),
            "ads", new Purpose("ads", LawfulBasis.CONSENT, null, null, List.of(1, 3, 4)));

    @Test
    void sourceSystemsArePulledSideBySideAfterTheConsentSources() {
        PullPlan plan = PullPlan.of(List.of(
                person("crm", "crm", "customer_account", Map.of("marketing_email", "opt_in"), null),
                person("erp-customers", "erp", "customer_account", Map.of(), null),
                consentSource("cmp"),
                person("erp-orders", "erp", "customer_account", Map.of(), null),
                person("web", "web", "analytics", Map.of("analytics", "consent.analytics"), null),
                consentSource("forms")), PURPOSES);

        assertThat(plan.waves()).containsExactly(
                List.of(List.of("cmp", "forms")),
                List.of(List.of("crm"), List.of("erp-customers", "erp-orders"), List.of("web")));
        assertThat(plan.connectorIds()).containsExactly("cmp", "forms", "crm", "erp-customers", "erp-orders", "web");
    }

    @Test
    void aSystemWaitsForTheSystemsListedBeforeItThatCarryConsentForItsPurpose() {
        PullPlan plan = PullPlan.of(List.of(
                person("web", "web", "analytics", Map.of(), null),
                person("crm", "crm", "customer_account", Map.of("analytics", "tracking_ok"), null),
                person("shop", "shop", "analytics", Map.of(), null),
                person("social", "social", "marketing_email", Map.of(), null)), PURPOSES);

        // the web analytics listed before the CRM did not see its opt-ins before either; the shop's did
        assertThat(plan.waves()).containsExactly(
                List.of(List.of("web"), List.of("crm"), List.of("social")),
                List.of(List.of("shop")));
    }

    @Test
    void aTcfStringCarriesConsentForEveryPurposeThatDeclaresTcfPurposes() {
        PullPlan plan = PullPlan.of(List.of(
                person("site", "site", "analytics", Map.of(), "tc_string"),
                person("ad-audience", "dsp", "ads", Map.of(), null),
                person("erp", "erp", "customer_account", Map.of(), null)), PURPOSES);

        assertThat(plan.waves()).containsExactly(
                List.of(List.of("site"), List.of("erp")),
                List.of(List.of("ad-audience")));
    }

    @Test
    void waitsChainFromWaveToWave() {
        PullPlan plan = PullPlan.of(List.of(
                person("a", "a", "customer_account", Map.of("analytics", "x"), null),
                person("b", "b", "analytics", Map.of("marketing_email", "y"), null),
                person("c", "c", "marketing_email", Map.of(), null)), PURPOSES);

        assertThat(plan.waves()).containsExactly(List.of(List.of("a")), List.of(List.of("b")), List.of(List.of("c")));
    }

    @Test
    void systemsThatMustEachWaitForTheOtherArePulledAsOneLaneInTheOrderListed() {
        // erp-customers carries analytics consent the web is gated by; the web carries account consent erp-orders is gated by
        PullPlan plan = PullPlan.of(List.of(
                person("erp-customers", "erp", "customer_account", Map.of("analytics", "tracking"), null),
                person("web", "web", "analytics", Map.of("customer_account", "account_ok"), null),
                person("erp-orders", "erp", "customer_account", Map.of(), null),
                person("social", "social", "marketing_email", Map.of(), null)), PURPOSES);

        assertThat(plan.waves()).containsExactly(
                List.of(List.of("erp-customers", "web", "erp-orders"), List.of("social")));
    }

    @Test
    void aLaneListedFirstCanStillWaitForOneListedLaterWhoseConnectorComesBeforeItsOwn() {
        // the ERP's orders come after the CRM, whose records carry consent for the orders' purpose
        PullPlan plan = PullPlan.of(List.of(
                person("erp-customers", "erp", "analytics", Map.of(), null),
                person("crm", "crm", "analytics", Map.of("customer_account", "account_ok"), null),
                person("erp-orders", "erp", "customer_account", Map.of(), null)), PURPOSES);

        assertThat(plan.waves()).containsExactly(
                List.of(List.of("crm")),
                List.of(List.of("erp-customers", "erp-orders")));
    }

    @Test
    void aRunThatPullsOneAtATimeKeepsItsOrder() {
        SyncRun run = new SyncRun("r", "s", "test", java.time.Instant.EPOCH, List.of("b", "a"), List.of());

        assertThat(run.pullPlan().waves()).containsExactly(List.of(List.of("b")), List.of(List.of("a")));
        assertThat(run.connectorIds()).containsExactly("b", "a");
    }

    @Test
    void progressNamesEveryConnectorBeingPulledAndCountsThoseDone() {
        SyncRun run = new SyncRun("r", "s", "test", java.time.Instant.EPOCH, List.of("crm", "erp", "web"), List.of());

        run.pulling("crm");
        run.pulling("erp");
        assertThat(run.progress()).isEqualTo(new SyncRun.Progress("pull", "crm, erp", 0, 3));
        run.pulled("crm");
        run.pulling("web");
        assertThat(run.progress()).isEqualTo(new SyncRun.Progress("pull", "erp, web", 1, 3));
        run.pulled("web");
        run.pulled("erp");
        assertThat(run.progress()).isEqualTo(new SyncRun.Progress("pull", "erp", 3, 3));
    }

    static ConnectorConfig person(String id, String system, String purpose, Map<String, String> consent, String tcfString) {
        return new ConnectorConfig(id, ConnectorType.FILE, system, null, purpose, null, null, null, null,
                new RecordMapping("id", null, null, Map.of("email", "email"), consent, tcfString, null, null, null, null));
    }

    static ConnectorConfig consentSource(String id) {
        return new ConnectorConfig(id, ConnectorType.FILE, id, ConnectorKind.CONSENT, null, null, null, null, null,
                new RecordMapping(null, null, null, null, null, null, null, null, null));
    }
}
