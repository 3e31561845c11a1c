package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.all;
import static io.segmenthub.connector.ConnectorFixtures.drain;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static io.segmenthub.connector.ConnectorFixtures.run;
import static io.segmenthub.connector.FileSourceTest.crm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.profile.Attribute;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Files of good rows mixed at random with rows broken in one of the ways sources break them. For
 * any such file: every row is accounted for (pulled = records + quarantined), every good row
 * arrives exactly once with its values, every bad row is quarantined with a reason, and no reason
 * or reference repeats the row's personal data.
 */
class BadFileInputPropertiesTest {

    private static final List<String> COLUMNS = List.of("contact_id", "first_name", "last_name", "email", "modified", "email_opt_in");
    private static final byte[] NOT_UTF8 = {(byte) 0xFC, (byte) 0xC3, (byte) 0x28};

    private static HubStore store;
    private static Path dir;
    private static int files;

    @BeforeContainer
    static void openStore() throws IOException {
        store = new HubStore();
        dir = Files.createTempDirectory("bad-input");
    }

    @AfterContainer
    static void closeStore() throws IOException {
        store.close();
        try (Stream<Path> left = Files.walk(dir)) {
            left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** How a row is broken; GOOD is not. */
    enum Kind { GOOD, TOO_MANY_COLUMNS, TOO_FEW_COLUMNS, MISSING_ID, UNREADABLE_DATE, BAD_CONSENT_FLAG, NOT_UTF8, NOT_JSON, NOT_AN_OBJECT, DEEPLY_NESTED }

    /** A person as a source holds them; names and e-mail are personal data that must not leak into reasons. */
    record Person(String givenName, String familyName, String email, String modified, boolean optIn) {
    }

    record Row(Kind kind, Person person) {
    }

    @Provide
    Arbitrary<Person> people() {
        Arbitrary<String> awkward = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(3).ofMaxLength(12).map(s -> "Zz" + s),
                Arbitraries.of("Zoë 😀", "محمد عبد الله", "שָׁלוֹם", "张伟", "O'Brien, Jr.", "Robert'); DROP TABLE students;--",
                        "\"quoted\" name", "line\nbreak", "tab\there", "Ada\u202Eecalevol", "=HYPERLINK(\"http://x\")"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20)
                        .filter(s -> s.indexOf('\uFFFD') < 0 && s.chars().noneMatch(c -> Character.isSurrogate((char) c))));
        Arbitrary<String> email = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(4).ofMaxLength(10)
                .map(local -> local + ".person@example.org");
        Arbitrary<String> modified = Arbitraries.integers().between(1, 28).map(d -> "2026-01-%02dT10:00:00Z".formatted(d));
        return Combinators.combine(awkward, awkward, email, modified, Arbitraries.of(true, false)).as(Person::new);
    }

    @Provide
    Arbitrary<List<Row>> csvRows() {
        return rows(Kind.GOOD, Kind.TOO_MANY_COLUMNS, Kind.TOO_FEW_COLUMNS, Kind.MISSING_ID, Kind.UNREADABLE_DATE,
                Kind.BAD_CONSENT_FLAG, Kind.NOT_UTF8);
    }

    @Provide
    Arbitrary<List<Row>> jsonLines() {
        return rows(Kind.GOOD, Kind.MISSING_ID, Kind.UNREADABLE_DATE, Kind.BAD_CONSENT_FLAG, Kind.NOT_UTF8, Kind.NOT_JSON,
                Kind.NOT_AN_OBJECT, Kind.DEEPLY_NESTED);
    }

    private Arbitrary<List<Row>> rows(Kind... kinds) {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(kinds.length, Arbitraries.just(Kind.GOOD)),
                net.jqwik.api.Tuple.of(kinds.length - 1, Arbitraries.of(List.of(kinds).subList(1, kinds.length))));
        return Combinators.combine(kind, people()).as(Row::new).list().ofMinSize(0).ofMaxSize(30);
    }

    @Property(tries = 150)
    void everyCsvRowIsAccountedForAndNoReasonRepeatsPersonalData(@ForAll("csvRows") List<Row> rows,
                                                                  @ForAll("batchSizes") int batchSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(csvLine(COLUMNS));
        for (int i = 0; i < rows.size(); i++) {
            out.writeBytes(csv(i, rows.get(i)));
        }
        check(rows, FileFormat.CSV, out.toByteArray(), batchSize);
    }

    @Property(tries = 150)
    void everyJsonLineIsAccountedForAndNoReasonRepeatsPersonalData(@ForAll("jsonLines") List<Row> rows,
                                                                   @ForAll("batchSizes") int batchSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < rows.size(); i++) {
            out.writeBytes(jsonLine(i, rows.get(i)));
            out.writeBytes((i % 3 == 0 ? "\r\n" : "\n").getBytes(StandardCharsets.UTF_8));
        }
        check(rows, FileFormat.JSONL, out.toByteArray(), batchSize);
    }

    @Provide
    Arbitrary<Integer> batchSizes() {
        return Arbitraries.integers().between(1, 40);
    }

    private void check(List<Row> rows, FileFormat format, byte[] content, int batchSize) throws IOException {
        Path file = dir.resolve("contacts-" + (++files) + "." + format.name().toLowerCase());
        Files.write(file, content);
        ConnectorConfig connector = crm(file, format, null, batchSize);
        var source = new FileSource(hubConfig(dir, List.of(connector), List.of()), new ObjectMapper(), store.watermarks());
        List<SourceBatch> batches = drain(source.open(run("run-" + files, "crm"), "crm"));

        List<SourceRecord> records = all(batches, SourceBatch::records);
        List<Quarantined> quarantined = all(batches, SourceBatch::quarantined);
        assertThat(batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, batchSize));
        assertThat(batches.stream().mapToInt(SourceBatch::size).sum()).as("pulled").isEqualTo(rows.size());
        assertThat(all(batches, SourceBatch::consentRows)).isEmpty();

        Map<String, Person> good = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).kind() == Kind.GOOD) {
                good.put(id(i), rows.get(i).person());
            }
        }
        assertThat(records).extracting(SourceRecord::recordId).as("every good row exactly once, in order")
                .containsExactlyElementsOf(good.keySet());
        for (SourceRecord record : records) {
            Person person = good.get(record.recordId());
            assertThat(record.identity().get(Attribute.GIVEN_NAME)).isEqualTo(blankToNull(person.givenName()));
            assertThat(record.identity().get(Attribute.FAMILY_NAME)).isEqualTo(blankToNull(person.familyName()));
            assertThat(record.identity()).containsEntry(Attribute.EMAIL, person.email());
            assertThat(record.consents()).singleElement().satisfies(c ->
                    assertThat(c.status().name()).isEqualTo(person.optIn() ? "GRANTED" : "DENIED"));
        }

        assertThat(quarantined).as("every bad row quarantined").hasSize(rows.size() - good.size());
        List<Person> bad = rows.stream().filter(r -> r.kind() != Kind.GOOD).map(Row::person).toList();
        for (Quarantined q : quarantined) {
            assertThat(q.reason()).as("reason of %s", q.ref()).isNotBlank();
            for (Person person : bad) {
                assertThat(q.reason() + " " + q.ref()).doesNotContain(person.email());
                for (String name : List.of(person.givenName().trim(), person.familyName().trim())) {
                    if (name.length() >= 4) { // shorter strings can be in a reason by chance ("row", "has")
                        assertThat(q.reason() + " " + q.ref()).doesNotContain(name);
                    }
                }
            }
        }
    }

    private static String blankToNull(String value) {
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static String id(int i) {
        return "C-" + i;
    }

    private static byte[] csv(int i, Row row) {
        Person p = row.person();
        List<String> cells = new ArrayList<>(List.of(id(i), p.givenName(), p.familyName(), p.email(), p.modified(), String.valueOf(p.optIn())));
        switch (row.kind()) {
            case TOO_MANY_COLUMNS -> cells.add("surplus");
            case TOO_FEW_COLUMNS -> cells.remove(5);
            case MISSING_ID -> cells.set(0, "");
            case UNREADABLE_DATE -> cells.set(4, "2026-02-30 25:61");
            case BAD_CONSENT_FLAG -> cells.set(5, "perhaps");
            case NOT_UTF8 -> {
                byte[] line = csvLine(cells);
                return join(NOT_UTF8, line); // a Latin-1 byte before the id: the row cannot be read as UTF-8
            }
            default -> { }
        }
        return csvLine(cells);
    }

    private static byte[] jsonLine(int i, Row row) {
        Person p = row.person();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("contact_id", id(i));
        fields.put("first_name", p.givenName());
        fields.put("last_name", p.familyName());
        fields.put("email", p.email());
        fields.put("modified", p.modified());
        fields.put("email_opt_in", p.optIn());
        switch (row.kind()) {
            case MISSING_ID -> fields.remove("contact_id");
            case UNREADABLE_DATE -> fields.put("modified", "the day before yesterday");
            case BAD_CONSENT_FLAG -> fields.put("email_opt_in", "perhaps");
            case NOT_AN_OBJECT -> {
                return json(List.of(fields.values()));
            }
            case NOT_JSON -> {
                String text = new String(json(fields), StandardCharsets.UTF_8);
                return text.substring(0, text.length() - 1).getBytes(StandardCharsets.UTF_8);
            }
            case DEEPLY_NESTED -> {
                String text = new String(json(fields), StandardCharsets.UTF_8);
                return (text.substring(0, text.length() - 1) + ",\"deep\":" + "[".repeat(3000) + "]".repeat(3000) + "}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case NOT_UTF8 -> { // a Latin-1 byte inside a value
                fields.put("note", "before|~|after");
                String[] halves = new String(json(fields), StandardCharsets.UTF_8).split("\\|~\\|", 2);
                return join(join(halves[0].getBytes(StandardCharsets.UTF_8), NOT_UTF8), halves[1].getBytes(StandardCharsets.UTF_8));
            }
            default -> { }
        }
        return json(fields);
    }

    private static byte[] json(Object value) {
        try {
            return new ObjectMapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] csvLine(List<String> cells) {
        var out = new StringWriter();
        try (var printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
            printer.printRecord(cells);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] join(byte[] a, byte[] b) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
