package io.segmenthub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.consent.ConsentView;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubSettings;
import io.segmenthub.system.MemoryStore;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The segments stage builds each profile's facts as far as the rules read them: consent only when a
 * rule reads {@code consent}, the records' attributes, sources and contact flags only when a rule
 * reads one of those; what the rules read is always there.
 */
class SegmenterFactsTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    DataSource ds;
    JdbcClient jdbc;
    ConsentView consent;

    @BeforeEach
    void store() {
        ds = MemoryStore.migrated("segmenter-facts");
        jdbc = JdbcClient.create(ds);
        score("G-1", 2, "50.00");
        score("G-2", 0, "0.00");
        record(1, "crm", "A", "G-1", "{\"country\":\"GB\",\"tier\":\"silver\"}", "email");
        record(2, "web", "B", "G-1", "{\"tier\":\"gold\"}", "");
        record(3, "erp", "C", "G-2", "{\"country\":\"CN\"}", "phone");
        consent = mock(ConsentView.class);
        when(consent.permitted(any())).thenReturn(Map.of("G-1", Map.of("marketing_email", true), "G-2", Map.of("marketing_email", false)));
    }

    Segmenter segmenter(List<SegmentDefinition> segments) {
        HubConfig config = new HubConfig(Path.of("."), new HubSettings(List.of("email"), "GB", null, null), List.of(), List.of(),
                List.of(), Map.of(), segments);
        var named = new NamedParameterJdbcTemplate(ds);
        return new Segmenter(jdbc, config, consent, new MembershipStore(jdbc, named), new SegmentHistory(jdbc, named), new ObjectMapper(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void rulesThatReadOnlyScoresNeitherWorkOutConsentNorReadTheRecords() {
        Map<String, ProfileFacts> facts = byProfile(segmenter(List.of()).facts(NOW, Set.of("orders", "revenue")));

        verifyNoInteractions(consent);
        assertThat(facts).containsOnlyKeys("G-1", "G-2");
        assertThat(facts.get("G-1").orders()).isEqualTo(2);
        assertThat(facts.get("G-1").attributes()).isEmpty();
        assertThat(facts.get("G-1").sources()).isEmpty();
        assertThat(facts.get("G-1").consent()).isEmpty();
    }

    @Test
    void whatTheRulesReadIsThere() {
        Map<String, ProfileFacts> facts = byProfile(segmenter(List.of()).facts(NOW, Set.of("consent", "has_phone")));

        verify(consent, times(1)).permitted(NOW);
        assertThat(facts.get("G-1").consent()).containsEntry("marketing_email", true);
        assertThat(facts.get("G-1").attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("country", "GB", "tier", "gold"));
        assertThat(facts.get("G-1").sources()).containsExactlyInAnyOrder("crm", "web");
        assertThat(facts.get("G-1").hasEmail()).isTrue();
        assertThat(facts.get("G-2").hasPhone()).isTrue();
        assertThat(facts.get("G-2").attributes()).containsEntry("country", "CN");
    }

    @Test
    void aRunEvaluatesRulesOverConsentAndAttributesOnlyWhenOneReadsThem() {
        SyncRun run = new SyncRun("run-1", "nightly", "test", NOW, List.of(), List.of());
        segmenter(List.of(new SegmentDefinition("buyers", null, "analytics", "orders >= 1"))).evaluate(run);
        verifyNoInteractions(consent);
        assertThat(members("buyers")).containsExactly("G-1");

        segmenter(List.of(new SegmentDefinition("uk-marketable", null, "analytics",
                "consent.marketing_email && has(attributes.country) && attributes.country == 'GB'"),
                new SegmentDefinition("has-phone", null, "analytics", "has_phone && 'erp' in sources"))).evaluate(run);
        verify(consent, times(1)).permitted(NOW);
        assertThat(members("uk-marketable")).containsExactly("G-1");
        assertThat(members("has-phone")).containsExactly("G-2");
    }

    Set<String> members(String segment) {
        return new MembershipStore(jdbc, new NamedParameterJdbcTemplate(ds)).members(segment);
    }

    static Map<String, ProfileFacts> byProfile(List<ProfileFacts> facts) {
        return facts.stream().collect(Collectors.toMap(ProfileFacts::goldenId, Function.identity()));
    }

    void score(String golden, int orders, String revenue) {
        jdbc.sql("""
                        INSERT INTO profile_score (golden_id, run_id, orders, revenue, events, recency, frequency, monetary, rfm_segment, value_type)
                        VALUES (:g, 'run-0', :orders, :revenue, 0, :r, :r, :r, '', 'none')""")
                .param("g", golden).param("orders", orders).param("revenue", new java.math.BigDecimal(revenue))
                .param("r", orders == 0 ? 0 : 3).update();
    }

    void record(long id, String system, String recordId, String golden, String attributes, String present) {
        jdbc.sql("""
                        INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                   attributes, present, invalid, content_hash)
                        VALUES (:id, :system, :record, 'crm', :at, :at, 'run-0', :attributes, :present, '', 'hash')""")
                .param("id", id).param("system", system).param("record", recordId)
                .param("attributes", attributes).param("present", present)
                .param("at", Timestamp.from(NOW.minusSeconds(3600 - id))).update();
        if (golden != null) {
            jdbc.sql("INSERT INTO record_golden (source_record_id, golden_id) VALUES (:id, :golden)").param("id", id).param("golden", golden).update();
        }
    }
}
