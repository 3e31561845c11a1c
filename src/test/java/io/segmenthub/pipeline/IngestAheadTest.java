package io.segmenthub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.connector.RecordMapper;
import io.segmenthub.connector.RecordMapping;
import io.segmenthub.connector.SourceBatches;
import io.segmenthub.connector.SourceRow;
import io.segmenthub.consent.LawfulBasis;
import io.segmenthub.consent.Purpose;
import io.segmenthub.consent.TcfConsent;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.profile.IdentityCleaner;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubProperties;
import io.segmenthub.system.HubSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest's work that needs nothing from the store is done on the pull's read-ahead thread, while
 * the batch before is stored: what it makes of a batch there is what the batch's transaction would
 * have made of it, and records are admitted ahead only while the pull's records mostly need it.
 */
class IngestAheadTest {

    static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SyncRun RUN = new SyncRun("run-1", "nightly", "test", NOW, List.of("crm"), List.of());

    final ConnectorConfig crm = new ConnectorConfig("crm", ConnectorType.FILE, "crm", null, "customer_account", "GB", 3, null, null,
            new RecordMapping("contact_id", null, null, Map.of("email", "email", "given_name", "first_name", "phone", "mobile"),
                    Map.of(), Map.of(), null, null, null));
    final Map<String, Purpose> purposes = Map.of("customer_account", new Purpose("customer_account", LawfulBasis.CONTRACT, null, null));
    final HubConfig config = new HubConfig(Path.of("."), new HubSettings(List.of("given_name", "email", "phone"), "GB", null, null),
            List.of(), List.of(crm), List.of(), purposes, List.of());
    IngestStage stage;

    /** Only what works without the store: the stores and the vault stay out of reach (null). */
    @BeforeEach
    void stage(@TempDir Path dir) {
        stage = new IngestStage(config, new IdentityCleaner(CLOCK),
                new BlindIndex(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray())),
                null, null, null, null, null, null, new ObjectMapper().findAndRegisterModules(), CLOCK, null,
                new HubProperties(".", "routes", ".", "keystore.bcfks", null, false, false, 50_000, 10_000, 1_000_000));
    }

    /** C-1 … C-count, C-2 twice (an update later in the same batch). */
    SourceBatches pull(int count) {
        List<SourceRow> rows = new ArrayList<>();
        IntStream.rangeClosed(1, count).forEach(n -> rows.add(row(n, "Ada" + n)));
        rows.add(2, row(2, "Ada-again"));
        return new SourceBatches("crm", rows.iterator(), new RecordMapper(crm, purposes.keySet(), NOW, TcfConsent.none()), 3,
                row -> Optional.empty(), () -> { });
    }

    static SourceRow row(int n, String name) {
        return new SourceRow("row " + n, Map.of("contact_id", "C-" + n, "email", "ada" + n + "@Example.org ", "first_name", name,
                "mobile", "07700 900" + String.format("%03d", n)), "C-" + n);
    }

    @Test
    void aBatchPreparedAheadHoldsWhatItsTransactionWouldHaveMadeOfIt() {
        List<SourceBatch> ahead = new ArrayList<>();
        Iterator<SourceBatch> prepared = stage.prepareAhead(pull(7), RUN);
        while (prepared.hasNext()) {
            SourceBatch batch = prepared.next();
            ahead.add(batch);
            batch.prepared().orElseThrow().admitAhead().set(true); // as a batch of new records tells ingest
        }

        assertThat(ahead).allSatisfy(b -> assertThat(b.prepared()).isPresent());
        for (SourceBatch batch : ahead) {
            IngestStage.Prepared inTransaction = stage.prepare(batch, new AtomicBoolean(true), NOW);
            assertThat(batch.prepared().orElseThrow().processing()).isEqualTo(inTransaction.processing());
            assertThat(batch.prepared().orElseThrow().people()).extracting(IngestStage.Pulled::rows, IngestStage.Pulled::hash)
                    .containsExactlyElementsOf(inTransaction.people().stream().map(p -> org.assertj.core.groups.Tuple.tuple(p.rows(), p.hash())).toList());
        }
        // the first batch is read before any batch told whether the pull's records need admitting; the
        // second is read while the first is held, so it may go either way; the third is read after
        assertThat(ahead.get(0).prepared().orElseThrow().people()).allSatisfy(p -> assertThat(p.admitted()).isEmpty());
        assertThat(ahead.get(2).prepared().orElseThrow().people()).isNotEmpty().allSatisfy(p -> {
            IngestStage.Pulled own = stage.prepare(ahead.get(2), new AtomicBoolean(true), NOW).people().stream()
                    .filter(o -> o.rows().equals(p.rows())).findFirst().orElseThrow();
            assertThat(p.admitted()).as("admitted on the read-ahead thread as in the transaction").isEqualTo(own.admitted()).isPresent();
        });
        // rows of one record in one batch are one record, its later values winning
        assertThat(ahead.get(0).prepared().orElseThrow().people()).extracting(p -> p.rows().record().recordId(), p -> p.rows().rows())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("C-1", 1), org.assertj.core.groups.Tuple.tuple("C-2", 2));
    }

    @Test
    void aPullWhoseRecordsMostlyNeedNothingIsNotAdmittedAhead() {
        Iterator<SourceBatch> prepared = stage.prepareAhead(pull(12), RUN);
        List<SourceBatch> ahead = new ArrayList<>();
        while (prepared.hasNext()) {
            SourceBatch batch = prepared.next();
            ahead.add(batch);
            batch.prepared().orElseThrow().admitAhead().set(false); // as a batch found unchanged tells ingest
        }

        assertThat(ahead).hasSizeGreaterThan(3).allSatisfy(b -> assertThat(b.prepared().orElseThrow().people())
                .allSatisfy(p -> assertThat(p.admitted()).isEmpty()));
    }

    @Test
    void aPullWithNothingToReadIsPassedOnAsItIs() {
        Iterator<SourceBatch> none = java.util.Collections.emptyIterator();

        assertThat(stage.prepareAhead(none, RUN)).isSameAs(none);
    }
}
