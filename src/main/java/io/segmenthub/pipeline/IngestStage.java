package io.segmenthub.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.SourceBatches;
import io.segmenthub.consent.ConsentEvent;
import io.segmenthub.consent.ConsentLedger;
import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.consent.Purpose;
import io.segmenthub.consent.TcfConsent;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.profile.Attribute;
import io.segmenthub.profile.CleanIdentity;
import io.segmenthub.profile.IdentityCleaner;
import io.segmenthub.profile.SourceRecordStore;
import io.segmenthub.subject.Tombstones;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubProperties;
import io.segmenthub.system.StoreStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The per-batch stages of a run, in order: consent gate, clean, protect, persist. A batch is one
 * transaction: either all of it is stored or none, and the run's watermark does not move past it.
 */
@Component
public class IngestStage {

    private static final Logger log = LoggerFactory.getLogger(IngestStage.class);

    static final String EMAIL = "email";
    static final String PHONE = "phone";
    static final String RECORD = "record";

    /**
     * Raise when cleaning, indexing or the gate come to make something else of the same pulled
     * record (new rules, a new phone-number library): part of every pulled hash, so the next run
     * examines every record again.
     */
    static final String PROCESSING_VERSION = "1";
    static final String PULLED = "pulled";

    /** The hub's release, when it runs from its packaged jar: a new release examines every record once. */
    private static final String HUB_VERSION = Objects.requireNonNullElse(
            IngestStage.class.getPackage().getImplementationVersion(), "");

    private final HubConfig config;
    private final IdentityCleaner cleaner;
    private final BlindIndex blindIndex;
    private final PersonalDataVault vault;
    private final ConsentLedger ledger;
    private final SourceRecordStore records;
    private final ActivityStore activity;
    private final QuarantineStore quarantine;
    private final Tombstones tombstones;
    private final ObjectMapper json;
    private final Clock clock;
    private final StoreStatistics statistics;
    private final int pulledHashesHeldAfter;
    private final int pulledHashesHeldAtMost;

    public IngestStage(HubConfig config, IdentityCleaner cleaner, BlindIndex blindIndex, PersonalDataVault vault,
                       ConsentLedger ledger, SourceRecordStore records, ActivityStore activity, QuarantineStore quarantine,
                       Tombstones tombstones, ObjectMapper json, Clock clock, StoreStatistics statistics, HubProperties properties) {
        this.config = config;
        this.cleaner = cleaner;
        this.blindIndex = blindIndex;
        this.vault = vault;
        this.ledger = ledger;
        this.records = records;
        this.activity = activity;
        this.quarantine = quarantine;
        this.tombstones = tombstones;
        this.json = json;
        this.clock = clock;
        this.statistics = statistics;
        this.pulledHashesHeldAfter = properties.pulledHashesHeldAfter();
        this.pulledHashesHeldAtMost = properties.pulledHashesHeldAtMost();
    }

    /**
     * Has each batch of a pull prepared as soon as it is read, on the pull's read-ahead thread, while
     * this stage stores the batch before it: coalescing, the pulled hashes and, while most of the
     * pull's records are new or changed, cleaning and keyed hashes. None of it reads the store, so
     * a batch stored after it was prepared is stored as if it had been prepared in its transaction.
     * Work that fails here is left to the transaction, which fails on it as it would have. A pull
     * with nothing to read (an unchanged file) is passed on as it is.
     *
     * <p>A pull that reads lines (JSON Lines) has each line's keyed hash taken before it is parsed,
     * and once the run holds the system's pulled hashes, a line whose hash is its record's stored
     * pulled hash is not parsed at all (see {@link RecognisedLine}): in a re-run of a rewritten export
     * file, most of it.
     */
    public Iterator<SourceBatch> prepareAhead(Iterator<SourceBatch> pull, SyncRun run) {
        if (!(pull instanceof SourceBatches batches)) {
            return pull;
        }
        AtomicBoolean admitAhead = new AtomicBoolean(false);
        if (batches.readsLines()) {
            ConnectorConfig connector = config.connector(batches.connectorId());
            PulledBefore known = run.pulledBefore(connector.systemName(), pulledHashesHeldAfter);
            byte[] lineDigest = lineDigest(connector);
            batches.recognising(new SourceBatches.Lines() {
                @Override
                public String hash(String line) {
                    PulledForm form = PulledForm.ofLine(line, lineDigest);
                    return blindIndex.of(PULLED, form.buffer(), form.length());
                }

                @Override
                public Optional<String> recordPulledAs(String hash) {
                    return known.recordPulledAs(hash);
                }
            });
        }
        return batches.preparing(batch -> {
            try {
                SourceBatch whole = linesSharingARecordParsed(batch);
                return whole.with(prepare(whole, admitAhead, run.startedAt()));
            } catch (RuntimeException e) {
                log.debug("connector={}: preparing a batch ahead failed; its transaction does the work ({})",
                        batch.connectorId(), e.getClass().getSimpleName());
                return batch;
            }
        });
    }

    @Transactional
    public SyncRun ingest(SourceBatch batch, SyncRun run) {
        long started = System.nanoTime();
        ConnectorConfig connector = config.connector(batch.connectorId());
        var counts = run.report().connector(connector.id());
        counts.pulled(batch.size());
        long writtenBefore = written(counts);

        // a line recognised by a hash that an earlier batch has since stored its record anew with, or
        // whose record another line of this batch also makes, is parsed after all, in its place
        PulledBefore known = run.pulledBefore(connector.systemName(), pulledHashesHeldAfter);
        SourceBatch whole = linesSharingARecordParsed(batch.withParsed(batch.recognised().stream()
                .filter(line -> !known.asBefore(line.recordId(), line.hash())).toList()));
        whole.quarantined().forEach(q -> {
            quarantine.add(run.id(), connector.id(), q);
            counts.quarantined(q.reason());
        });
        ingestConsentRows(whole.consentRows(), connector, run, counts);
        counts.accepted(whole.recognised().size());
        counts.unchanged(whole.recognised().size());
        counts.linesRecognised(whole.recognised().size());
        String processing = processing(connector);
        Prepared people = whole.prepared().filter(p -> p.processing().equals(processing))
                .orElseGet(() -> prepare(whole, new AtomicBoolean(false), run.startedAt()));
        ingestPeople(people, whole.recognised().size(), known, batch.watermark().isEmpty(), connector, run, counts);
        batch.watermark().ifPresent(w -> run.advanceWatermark(connector.id(), w));
        statistics.written(written(counts) - writtenBefore);
        run.report().stageTook("ingest", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    /**
     * What ingest makes of a batch's people without the store: pseudonymised ids, rows of one record
     * coalesced, each record's pulled hash and, when {@code admitAhead} says the pull's records
     * mostly need it, each record admitted (cleaned, keyed hashes, content hash). A record made of one
     * line of its own is pulled as its line's hash, unless a consent it gives is dated by
     * {@code fallbackTime} (the run's start, for a row without the time it changed): that record
     * comes out otherwise each run, and is pulled as the hash of what it was mapped to.
     */
    Prepared prepare(SourceBatch batch, AtomicBoolean admitAhead, Instant fallbackTime) {
        ConnectorConfig connector = config.connector(batch.connectorId());
        List<SourceRecord> people = connector.mapping().pseudonymiseId()
                ? batch.records().stream().map(r -> new SourceRecord(r.system(), storedId(r, connector), r.updatedAt(), r.identity(),
                        r.metrics(), r.consents(), r.transactions(), r.events())).toList()
                : batch.records();
        String processing = processing(connector);
        String system = connector.systemName();
        String region = region(connector);
        Set<Attribute> personal = config.personalAttributes();
        boolean admit = admitAhead.get();
        byte[] processingDigest = sha256(processing);
        List<Pulled> pulled = coalesce(people, batch::lineHash).parallelStream().map(rows -> {
            String hash = rows.line().filter(line -> rows.record().consents().stream()
                    .noneMatch(c -> fallbackTime.equals(c.occurredAt()))).orElseGet(() -> {
                        PulledForm form = PulledForm.of(rows.record(), processingDigest);
                        return blindIndex.of(PULLED, form.buffer(), form.length());
                    });
            return new Pulled(rows, hash, admit ? Optional.of(admit(rows, hash, system, region, personal)) : Optional.empty());
        }).toList();
        return new Prepared(processing, pulled, admitAhead);
    }

    /**
     * The batch with each recognised line whose record is also made by another line of the batch
     * (one parsed, or another recognised line) parsed after all: the record's rows are then coalesced
     * in the order of the source, and pulled as the hash of what they make together.
     */
    SourceBatch linesSharingARecordParsed(SourceBatch batch) {
        if (batch.recognised().isEmpty()) {
            return batch;
        }
        ConnectorConfig connector = config.connector(batch.connectorId());
        Map<String, Integer> rowsOf = new HashMap<>();
        batch.records().forEach(r -> rowsOf.merge(storedId(r, connector), 1, Integer::sum));
        batch.recognised().forEach(line -> rowsOf.merge(line.recordId(), 1, Integer::sum));
        return batch.withParsed(batch.recognised().stream().filter(line -> rowsOf.get(line.recordId()) > 1).toList());
    }

    /**
     * What, besides a line's text and {@link #processing}, decides what ingest makes of the line: how
     * the connector maps it, the purposes a consent flag may name and how TCF strings are read.
     */
    private byte[] lineDigest(ConnectorConfig connector) {
        return sha256(processing(connector) + "|" + connector.systemName() + "|" + connector.kindOrDefault() + "|" + connector.mapping()
                + "|" + new TreeSet<>(config.purposes().keySet()) + "|" + config.hub().tcf());
    }

    /**
     * A batch's people as {@link #prepare} left them, under the {@link #processing} they were
     * prepared for, and the pull's switch for admitting the next batches ahead.
     */
    public record Prepared(String processing, List<Pulled> people, AtomicBoolean admitAhead) {
    }

    private void ingestConsentRows(List<ConsentRow> rows, ConnectorConfig connector, SyncRun run, RunReport.ConnectorCounts counts) {
        List<ConsentEvent> events = new ArrayList<>();
        for (ConsentRow row : rows) {
            Map<Attribute, String> raw = new EnumMap<>(Attribute.class);
            row.email().ifPresent(e -> raw.put(Attribute.EMAIL, e));
            row.phone().ifPresent(p -> raw.put(Attribute.PHONE, p));
            CleanIdentity clean = cleaner.clean(raw, region(connector));
            Optional<String> subject = clean.valid(Attribute.EMAIL).map(e -> blindIndex.of(EMAIL, e))
                    .or(() -> clean.valid(Attribute.PHONE).map(p -> blindIndex.of(PHONE, p)));
            if (subject.isEmpty()) {
                String reason = "consent row has no valid e-mail or phone to identify the subject";
                quarantine.add(run.id(), connector.id(), new Quarantined(row.ref(), reason,
                        row.email().orElse("") + "," + row.phone().orElse("")));
                counts.quarantined(reason);
                continue;
            }
            events.add(event(subject.get(), row.signal(), row.sourceSystem()));
            counts.accepted(1);
        }
        counts.consentEvents(ledger.record(events, run.id()));
    }

    /**
     * A batch's people, as prepared, beside {@code recognised} lines of it taken as before. The
     * system's pulled hashes may be read whole for the rest of the pull ({@code mayHold}) unless the
     * batch came from a cursor (it carries a watermark): such a pull reads what changed since, few
     * rows beside the system's, never worth a scan of them all.
     */
    private void ingestPeople(Prepared prepared, int recognised, PulledBefore known, boolean mayHold, ConnectorConfig connector,
                              SyncRun run, RunReport.ConnectorCounts counts) {
        List<Pulled> batch = prepared.people();
        if (batch.isEmpty()) {
            return;
        }
        Purpose purpose = config.purpose(connector.purpose());
        Set<Attribute> personal = config.personalAttributes();
        Instant now = clock.instant();
        String system = connector.systemName();
        // a record pulled just as the hub last took it in would change nothing: not cleaned, gated or written again
        List<String> lookedUp = batch.stream().filter(p -> !known.asBefore(p.rows().record().recordId(), p.hash()))
                .map(p -> p.rows().record().recordId()).toList();
        Map<String, SourceRecordStore.Existing> existing = records.existing(system, lookedUp);
        String region = region(connector);
        List<Pulled> examined = new ArrayList<>();
        for (Pulled pulled : batch) {
            String recordId = pulled.rows().record().recordId();
            SourceRecordStore.Existing before = existing.get(recordId);
            if (known.asBefore(recordId, pulled.hash()) || before != null && before.pulledHash().filter(pulled.hash()::equals).isPresent()) {
                counts.accepted(pulled.rows().rows());
                counts.unchanged(1);
            } else {
                examined.add(pulled);
            }
        }
        if (mayHold) {
            known.lookedUp(lookedUp.size(), lookedUp.size() - examined.size(), rowsSoFar -> {
                Optional<Map<String, String>> hashes = records.pulledHashes(system, pulledHashesHeldAtMost);
                run.report().note("pulled hashes of " + system, hashes.map(h -> h.size() + " records' read in one scan after " + rowsSoFar
                        + " rows were looked up batch by batch").orElse("not held: more than " + pulledHashesHeldAtMost
                        + " records (segmenthub.pulled-hashes-held-at-most), looked up batch by batch"));
                return hashes;
            });
        }
        known.forget(examined.stream().map(p -> p.rows().record().recordId()).toList());
        // the next batches are admitted ahead while most of the pull needs it (a first run), not for a re-run's few changes
        prepared.admitAhead().set(examined.size() * 2 > batch.size() + recognised);
        if (examined.isEmpty()) {
            return;
        }

        List<ActivityStore.Owned<Transaction>> purchases = new ArrayList<>();
        List<ActivityStore.Owned<EngagementEvent>> events = new ArrayList<>();
        List<Fresh> fresh = new ArrayList<>();

        // cleaning, keyed hashes and the content hash of each record need nothing from the store: on both cores
        List<Admitted> admitted = examined.parallelStream()
                .map(p -> p.admitted().orElseGet(() -> admit(p.rows(), p.hash(), system, region, personal))).toList();
        List<Change> changed = new ArrayList<>();
        Map<Long, String> confirmedAsPulled = new HashMap<>();
        List<ConsentEvent> flagEvents = new ArrayList<>();
        for (Admitted a : admitted) {
            a.record().consents().forEach(signal -> flagEvents.add(event(a.subjects().get(0), signal, system)));
            if (a.record().consents().stream().anyMatch(c -> c.evidence().startsWith(TcfConsent.INVALID))) {
                counts.invalidTcfStrings(a.rows());
            }
        }
        // the batch's consent events and erasures, read once: the ledger's events serve to leave out
        // the flag events it holds already and then, with the new ones added, to gate the batch
        List<String> allSubjects = admitted.stream().flatMap(a -> a.subjects().stream()).toList();
        Map<String, List<ConsentEvent>> consentBySubject = ledger.eventsOf(allSubjects);
        counts.consentEvents(ledger.record(flagEvents, run.id(), consentBySubject));
        Map<String, Instant> erasures = tombstones.erasures(allSubjects);

        for (Admitted a : admitted) {
            // Consent gate: data collected for a purpose without a lawful basis for it is not stored.
            Optional<ConsentEvent> decisive = ConsentLedger.latest(a.subjects().stream()
                    .flatMap(s -> consentBySubject.getOrDefault(s, List.of()).stream())
                    .filter(e -> e.purpose().equals(purpose.id())).toList());
            Optional<ConsentStatus> state = decisive.flatMap(e -> e.effectiveAt(now));
            if (!purpose.basis().permits(state)) {
                counts.dropped(purpose.id(), a.rows());
                continue;
            }
            // An erased person stays erased, unless they came back with a consent given after the erasure.
            Optional<Instant> erased = a.subjects().stream().map(erasures::get).filter(java.util.Objects::nonNull).max(Instant::compareTo);
            if (erased.isPresent() && !ledger.grantedSince(a.subjects(), erased.get())) {
                counts.dropped(RunReport.ERASED, a.rows());
                continue;
            }
            counts.accepted(a.rows());
            SourceRecord record = a.record();
            a.record().transactions().forEach(t -> purchases.add(new ActivityStore.Owned<>(system, record.recordId(), t)));
            a.record().events().forEach(e -> events.add(new ActivityStore.Owned<>(system, record.recordId(), e)));

            SourceRecordStore.Existing before = existing.get(record.recordId());
            if (a.identity().isEmpty() && before != null) {
                // a row with activity only (an order from another table of the same system): the stored identity
                // stays as it is, and so does the pulled hash of the row that supplied it
                counts.unchanged(1);
                continue;
            }
            if (before != null && before.contentHash().equals(a.contentHash())) {
                counts.unchanged(1);
                confirmedAsPulled.put(before.id(), a.pulledHash());
                continue;
            }
            byte[] plaintext = a.sealedJson().getBytes(StandardCharsets.UTF_8);
            if (before == null) { // new records are sealed and inserted together, in batches, below
                fresh.add(new Fresh(new SourceRecordStore.Protected(system, record.recordId(), connector.id(), record.updatedAt(),
                        Optional.empty(), Optional.empty(), a.openValues(), a.present(), a.invalid(), a.contentHash(), a.indexes(),
                        a.pulledHash()), a.sealedValues().isEmpty() ? null : new PersonalDataVault.Plain(plaintext, a.aad())));
                counts.stored(1);
                continue;
            }
            var stored = new SourceRecordStore.Protected(system, record.recordId(), connector.id(),
                    record.updatedAt(), before.dataKeyId(), Optional.empty(), a.openValues(), a.present(), a.invalid(), a.contentHash(),
                    a.indexes(), a.pulledHash());
            changed.add(new Change(before.id(), stored, a.sealedValues().isEmpty() ? null : new PersonalDataVault.Plain(plaintext, a.aad())));
            counts.stored(1);
        }
        insertFresh(fresh, run.id(), now);
        records.updateAll(sealChanged(changed), run.id(), now);
        records.rememberPulled(confirmedAsPulled);
        counts.transactions(activity.addPurchases(purchases, run.id()));
        counts.events(activity.addEvents(events, run.id()));
    }

    /** Rows ingest has written to the store for this connector so far this run (records, consent events, activity). */
    private static long written(RunReport.ConnectorCounts counts) {
        return counts.stored() + counts.consentEvents() + counts.transactions() + counts.events();
    }

    /** Seals the new records' personal data under fresh data keys and inserts them, each in one batch. */
    private void insertFresh(List<Fresh> fresh, String runId, Instant now) {
        List<PersonalDataVault.Sealed> sealed = vault.sealNew(fresh.stream().map(Fresh::plain).filter(java.util.Objects::nonNull).toList());
        List<SourceRecordStore.Protected> rows = new ArrayList<>(fresh.size());
        int next = 0;
        for (Fresh f : fresh) {
            PersonalDataVault.Sealed s = f.plain() == null ? null : sealed.get(next++);
            rows.add(s == null ? f.record() : f.record().withPii(s.dataKeyId(), s.ciphertext()));
        }
        records.insertAll(rows, runId, now);
    }

    /**
     * Seals the changed records' personal data: again under each record's data key, all keys read
     * at once; under a fresh key where the record had none or its key was shredded. A record that
     * carries no personal data now keeps its key and stores none.
     */
    private List<SourceRecordStore.Changed> sealChanged(List<Change> changes) {
        List<Change> resealed = changes.stream().filter(c -> c.plain() != null && c.record().dataKeyId().isPresent()).toList();
        List<Optional<byte[]>> sealedAgain = vault.reseal(resealed.stream()
                .map(c -> new PersonalDataVault.Reseal(c.record().dataKeyId().get(), c.plain())).toList());
        Map<Change, byte[]> again = new IdentityHashMap<>();
        for (int i = 0; i < resealed.size(); i++) {
            Change change = resealed.get(i);
            sealedAgain.get(i).ifPresent(pii -> again.put(change, pii));
        }
        List<Change> keyless = changes.stream().filter(c -> c.plain() != null && !again.containsKey(c)).toList();
        List<PersonalDataVault.Sealed> sealedNew = vault.sealNew(keyless.stream().map(Change::plain).toList());
        Map<Change, PersonalDataVault.Sealed> fresh = new IdentityHashMap<>();
        for (int i = 0; i < keyless.size(); i++) {
            fresh.put(keyless.get(i), sealedNew.get(i));
        }
        List<SourceRecordStore.Changed> sealed = new ArrayList<>(changes.size());
        for (Change c : changes) {
            SourceRecordStore.Protected record = c.plain() == null ? c.record()
                    : fresh.containsKey(c) ? c.record().withPii(fresh.get(c).dataKeyId(), fresh.get(c).ciphertext())
                    : c.record().withPii(c.record().dataKeyId().get(), again.get(c));
            sealed.add(new SourceRecordStore.Changed(c.id(), record));
        }
        return sealed;
    }

    /** A stored record that changed, before its personal data is sealed ({@code plain} null when it carries none). */
    private record Change(long id, SourceRecordStore.Protected record, PersonalDataVault.Plain plain) {
    }

    /** A record not in the store yet, and its personal data to seal (null when it carries none). */
    private record Fresh(SourceRecordStore.Protected record, PersonalDataVault.Plain plain) {
    }

    /**
     * A record cleaned and prepared for the gate and the store: its consent subjects (the first one
     * the subject its flag events are kept under), its personal values to seal and the JSON that is
     * sealed, its open values as JSON, and the keyed hash of its content that tells whether the
     * stored copy differs.
     */
    record Admitted(SourceRecord record, int rows, CleanIdentity identity, List<SourceRecordStore.IndexEntry> indexes,
                    List<String> subjects, String aad, Map<String, String> sealedValues, String sealedJson, String openValues,
                    String present, String invalid, String contentHash, String pulledHash) {
    }

    /** What decides, besides a pulled record itself, what ingest makes of it: a change has every record examined again. */
    private String processing(ConnectorConfig connector) {
        return processing(region(connector), connector.purpose(), config.personalAttributes(), config.purposes());
    }

    static String processing(String region, String purpose, Set<Attribute> personal, Map<String, Purpose> purposes) {
        return PROCESSING_VERSION + "|" + HUB_VERSION + "|" + region + "|" + purpose + "|" + new TreeSet<>(personal)
                + "|" + new TreeMap<>(purposes);
    }

    /**
     * What the keyed hash of a record as it was pulled is taken of: a digest of what decides what
     * ingest makes of it ({@link #processing}), then the record before cleaning. Keyed because the
     * record is personal data; its activity is part of it, the time the source says it changed is
     * not (ingest does not store a record again for that alone). Every value is written with its
     * length and the maps in key order, so two records write the same bytes only if they are the
     * same whatever order their maps hold their entries in. Written field by field rather than as
     * JSON: every pulled row is hashed, in a re-run mostly to be found unchanged.
     */
    static byte[] pulledForm(SourceRecord record, byte[] processingDigest) {
        return PulledForm.of(record, processingDigest).toByteArray();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private Admitted admit(Coalesced rows, String pulledHash, String system, String region, Set<Attribute> personal) {
        SourceRecord record = rows.record();
        CleanIdentity identity = cleaner.clean(record.identity(), region);
        List<SourceRecordStore.IndexEntry> indexes = new ArrayList<>();
        identity.valid(Attribute.EMAIL).ifPresent(e -> indexes.add(new SourceRecordStore.IndexEntry(EMAIL, blindIndex.of(EMAIL, e))));
        identity.valid(Attribute.PHONE).ifPresent(p -> indexes.add(new SourceRecordStore.IndexEntry(PHONE, blindIndex.of(PHONE, p))));
        String aad = system + "/" + record.recordId();
        List<String> subjects = new ArrayList<>(indexes.stream().map(SourceRecordStore.IndexEntry::value).toList());
        subjects.add(blindIndex.of(RECORD, aad));
        Map<String, String> sealedValues = new TreeMap<>();
        Map<String, String> openValues = new TreeMap<>();
        identity.values().forEach((attribute, value) -> (personal.contains(attribute) ? sealedValues : openValues).put(attribute.key(), value));
        openValues.putAll(record.metrics());
        String present = identity.values().keySet().stream().map(Attribute::key).sorted().collect(Collectors.joining(","));
        String invalid = identity.invalid().stream().map(Attribute::key).sorted().collect(Collectors.joining(","));
        String contentHash = blindIndex.of("content", aad + "|" + sealedValues + "|" + openValues + "|" + invalid);
        return new Admitted(record, rows.rows(), identity, indexes, subjects, aad, sealedValues, write(sealedValues), write(openValues),
                present, invalid, contentHash, pulledHash);
    }

    /** A record as pulled, with its pulled hash and, when admitted ahead, what admission made of it. */
    record Pulled(Coalesced rows, String hash, Optional<Admitted> admitted) {
    }

    /**
     * A record, how many source rows it was coalesced from and, when it is one line's alone, the
     * keyed hash of that line.
     */
    record Coalesced(SourceRecord record, int rows, Optional<String> line) {
    }

    /**
     * Rows of one record in one batch (a visitor's many events) become one record: later non-empty
     * values win. {@code lineOf} gives the keyed hash of the line each row was parsed from, if any, by its index.
     */
    static List<Coalesced> coalesce(List<SourceRecord> rows, java.util.function.IntFunction<Optional<String>> lineOf) {
        Map<String, SourceRecord> byId = new LinkedHashMap<>();
        Map<String, Integer> counts = new java.util.HashMap<>();
        Map<String, Optional<String>> lines = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            SourceRecord row = rows.get(i);
            lines.putIfAbsent(row.recordId(), lineOf.apply(i));
            counts.merge(row.recordId(), 1, Integer::sum);
            byId.merge(row.recordId(), row, (a, b) -> {
                Map<Attribute, String> identity = new EnumMap<>(Attribute.class);
                identity.putAll(a.identity());
                identity.putAll(b.identity());
                Map<String, String> metrics = new LinkedHashMap<>(a.metrics());
                metrics.putAll(b.metrics());
                return new SourceRecord(a.system(), a.recordId(), a.updatedAt().isAfter(b.updatedAt()) ? a.updatedAt() : b.updatedAt(),
                        identity, metrics, concat(a.consents(), b.consents()), concat(a.transactions(), b.transactions()),
                        concat(a.events(), b.events()));
            });
        }
        return byId.values().stream().map(r -> {
            int n = counts.get(r.recordId());
            return new Coalesced(r, n, n == 1 ? lines.get(r.recordId()) : Optional.empty());
        }).toList();
    }

    /** The id a record is stored under: its own, or where that is itself personal data (a social handle) a keyed pseudonym of it. */
    private String storedId(SourceRecord r, ConnectorConfig connector) {
        return connector.mapping().pseudonymiseId() ? "~" + blindIndex.of("record-id", connector.systemName() + "/" + r.recordId()) : r.recordId();
    }

    private ConsentEvent event(String subject, ConsentSignal signal, String source) {
        Optional<Instant> expires = signal.status() == ConsentStatus.GRANTED
                ? Optional.ofNullable(config.purposes().get(signal.purpose()))
                .flatMap(Purpose::validity).map(days -> signal.occurredAt().plus(Duration.ofDays(days)))
                : Optional.empty();
        return new ConsentEvent(subject, signal.purpose(), signal.status(), signal.occurredAt(), source, signal.evidence(), expires);
    }

    private String region(ConnectorConfig connector) {
        return connector.region() == null ? config.hub().defaultRegion() : connector.region();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private String write(Map<String, String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }
}
