package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.RecordMapping;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SoqlTest {

    @Test
    void selectsIdAndTheCursorFirstThenConfiguredAndMappedFieldsOnce() {
        var settings = new SalesforceSettings(null, null, null,
                new SalesforceSettings.Auth(SalesforceSettings.Auth.Flow.CLIENT_CREDENTIALS, "app", "s", null, null, null, null, null),
                "Lead", List.of("Email", "Account.Name"), null, null, null, null, null, null, null);
        var mapping = new RecordMapping("Id", null, "SystemModstamp", Map.of("email", "Email"), Map.of("marketing_email", "Opt_In__c"),
                Map.of(), null, null, null);

        assertThat(Soql.fields(settings, mapping)).containsExactly("Id", "SystemModstamp", "Email", "Account.Name", "Opt_In__c");
    }

    @Test
    void incrementalConditionIsCombinedWithTheConfiguredOne() {
        assertThat(Soql.condition(Optional.empty(), null)).isEmpty();
        assertThat(Soql.condition(Optional.of("2026-05-01T10:00:00.000Z"), " IsDeleted = false "))
                .contains("SystemModstamp >= 2026-05-01T10:00:00.000Z AND (IsDeleted = false)");
        assertThat(Soql.select(new java.util.LinkedHashSet<>(List.of("Id", "SystemModstamp")), "Contact", Optional.of("Email != null"), true))
                .isEqualTo("SELECT Id, SystemModstamp FROM Contact WHERE Email != null ORDER BY SystemModstamp ASC, Id ASC");
        assertThat(Soql.count("Contact", Optional.empty())).isEqualTo("SELECT COUNT() FROM Contact");
    }

    @Test
    void salesforceDateTimesBecomeIsoAndLiteralsAreUtcWithMilliseconds() {
        assertThat(Soql.isoDateTime("2026-05-01T12:00:00.000+0200")).isEqualTo("2026-05-01T12:00:00.000+02:00");
        assertThat(Soql.literal("2026-05-01T12:00:00.000+0200")).contains("2026-05-01T10:00:00.000Z");
        assertThat(Soql.literal("2026-04-05T00:00:00.000Z")).contains("2026-04-05T00:00:00.000Z");
        assertThat(Soql.literal("not a date")).isEmpty();
    }

    @Test
    void apiUsageIsReadFromSforceLimitInfo() {
        assertThat(ApiUsage.parse("api-usage=12100/15000").orElseThrow().share()).isCloseTo(0.8067, org.assertj.core.data.Offset.offset(0.001));
        assertThat(ApiUsage.parse("per-app-api-usage=1/100(appName=x), api-usage=3/10")).contains(new ApiUsage(3, 10));
        assertThat(ApiUsage.parse("api-usage=5/0")).isEmpty();
        assertThat(ApiUsage.parse(null)).isEmpty();
    }
}
