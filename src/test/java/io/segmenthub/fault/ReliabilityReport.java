package io.segmenthub.fault;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes the reliability table from the tests that ran: the fault suite's own rows (recorded with
 * {@link Reliability}, with what each test observed) and the bad-input and config-error tests of
 * the other packages (catalogued below, with the outcome of their run). Registered as a JUnit
 * Platform listener (META-INF/services), so it sees every test of the JVM and writes once, when the
 * test plan ends.
 *
 * <p>Rows accumulate in {@code target/reliability/rows.tsv} across the JVMs of one build (surefire,
 * then failsafe for the kill -9 IT; the H2 pass, then the PostgreSQL pass of CI), and every JVM
 * renders {@code target/reliability.md} from them. {@code docs/reliability.md} is written only with
 * {@code -Dsegmenthub.reliability.write=true}, so a CI clone is never dirtied and the checked-in
 * copy changes only when someone regenerates it on purpose.
 */
public final class ReliabilityReport implements TestExecutionListener {

    record Row(String area, String tried, String hubDid, String lost, String test, String outcome) {
        Row by(String testId) {
            return new Row(area, tried, hubDid, lost, testId, outcome);
        }

        Row failed(String testId) {
            return new Row(area, tried, hubDid, "not proven: the test failed", testId, "FAILED");
        }

        String key() {
            return area + "\t" + tried;
        }

        String tsv() {
            return String.join("\t", clean(area), clean(tried), clean(hubDid), clean(lost), clean(test), clean(outcome));
        }

        static Row parse(String line) {
            String[] f = line.split("\t", -1);
            return new Row(f[0], f[1], f[2], f[3], f[4], f[5]);
        }

        private static String clean(String s) {
            return s.replace('\t', ' ').replace('\n', ' ').replace("|", "\\|");
        }
    }

    /** A test of another package: what it tries and what it shows the hub does. */
    private record Known(String testClass, String method, String area, String tried, String hubDid, String lost) {
    }

    private static final List<Known> KNOWN = List.of(
            known("BadFileInputTest$Csv", "rowWithTooManyColumnsIsQuarantinedAndTheNextRowRead", "bad input",
                    "CSV row with the wrong column count", "row quarantined with the reason, next row read", "nothing: the row is kept sealed in quarantine"),
            known("BadFileInputTest$Csv", "unbalancedQuoteQuarantinesTheRestOfTheFileAsOneEntryAfterTheGoodRowsBeforeIt", "bad input",
                    "CSV with an unbalanced quote", "rows before it read; the rest of the file quarantined as ONE entry (known gap: the parser cannot resynchronise)",
                    "nothing: the rest is kept sealed in quarantine, but as one entry, to be fixed at the source"),
            known("BadFileInputTest$Csv", "byteOrderMarkAndCrlfLineEndsAreReadAsPlainUtf8", "bad input", "CSV with a BOM and CRLF line ends",
                    "read as plain UTF-8", "nothing"),
            known("BadFileInputTest$Csv", "rowWithBytesThatAreNotUtf8IsQuarantinedAndTheRestOfTheFileRead", "bad input",
                    "CSV row with bytes that are not UTF-8 (mixed encodings)", "that row quarantined, the rest read", "nothing"),
            known("BadFileInputTest$Csv", "sqlInjectionInEveryFieldIsReadAsPlainData", "bad input", "SQL injection strings in every field",
                    "read as plain data (every value is bound, never concatenated)", "nothing"),
            known("BadFileInputTest$Csv", "duplicateIdsWithinOneBatchAreEachReadForTheIngestStageToCoalesce", "bad input",
                    "duplicate ids within one batch", "both read; the ingest stage keeps one record per id", "nothing"),
            known("BadFileInputTest$Json", "deeplyNestedJsonLineIsQuarantinedAloneAndTheNextLineRead", "bad input",
                    "deeply nested JSON line", "that line quarantined, the next read", "nothing"),
            known("BadFileInputTest$Json", "deeplyNestedElementOfAJsonArrayQuarantinesTheRestOfThatFile", "bad input",
                    "deeply nested element of a JSON array", "the rest of that file quarantined with the reason", "nothing: kept sealed in quarantine"),
            known("BadFileInputTest$Json", "hugeFieldAndHugeRecordAreReadWhole", "bad input", "a 2 MB field and a record of 20,000 fields",
                    "read whole", "nothing"),
            known("BadFileInputTest$Json", "unusualTextInNamesArrivesAsSent", "bad input",
                    "emoji, right-to-left text, control and bidi-override characters in names", "read as sent; cleaning then strips controls and bidi overrides (IdentityCleanerTest)", "nothing"),
            known("BadFileInputTest$Values", "unreadableUpdateTimeIsQuarantinedNamingTheField", "bad input", "invalid dates (2026-02-30, month 13, words)",
                    "row quarantined naming the field", "nothing"),
            known("BadFileInputTest$Values", "impossiblePhonesAndEmailsAreReadForTheCleanerToFlag", "bad input", "impossible phones and e-mails",
                    "read, then flagged invalid by cleaning (never guessed)", "nothing"),
            known("BadFileInputPropertiesTest", "everyCsvRowIsAccountedForAndNoReasonRepeatsPersonalData", "bad input",
                    "generated CSV files mixing good and malformed rows (jqwik)", "every row read or quarantined; no reason repeats personal data", "nothing"),
            known("BadFileInputPropertiesTest", "everyJsonLineIsAccountedForAndNoReasonRepeatsPersonalData", "bad input",
                    "generated JSON lines mixing good and malformed rows (jqwik)", "every line read or quarantined; no reason repeats personal data", "nothing"),
            known("IdentityCleanerPropertiesTest", "neverThrowsAndFlagsWhatItCannotNormalise", "bad input", "arbitrary Unicode in every attribute (jqwik)",
                    "cleaned or flagged, never an exception", "nothing"),
            known("IdentityCleanerTest", "invisibleCharactersAreStrippedFromNames", "bad input", "control, bidi-override and zero-width characters in names",
                    "stripped from the cleaned name (the sealed source value keeps what was sent)", "nothing"),
            known("CsvCellsPropertiesTest", "noCellLeavesTheGuardAsAFormula", "bad input", "CSV formula injection (=, +, -, @, after blanks, full-width) in arbitrary cells (jqwik)",
                    "every such cell gets a leading apostrophe", "nothing: only an apostrophe is added"),
            known("CsvExportsTest", "auditExportNeutralisesFormulasInEveryColumn", "bad input", "formula-like values in every CSV export",
                    "neutralised in the audit, members, KPI and cluster exports", "nothing"),
            known("FailedRunTest", "failedPushFailsTheRunAndCommitsNothing", "destination", "file destination folder unwritable",
                    "retried with back-off, then the run FAILED naming the destination; no watermark, no push state", "nothing: the next run pushes everything"),
            known("StartupFailureTest", "badCronFailsAtStartNamingFileKeyAndProblem", "config", "cron that is not Quartz",
                    "refuses to start: hub.yml, syncs[0].cron, the problem", "nothing"),
            known("StartupFailureTest", "unknownConnectorTypeFailsAtStartListingTheKnownTypes", "config", "unknown connector type",
                    "refuses to start: connectors.yml, connectors[0].type, the known types", "nothing"),
            known("StartupFailureTest", "missingKeystorePasswordRefusesToStartAndNamesTheVariable", "config", "no keystore password",
                    "refuses to start naming SEGMENT_HUB_KEYSTORE_PASSWORD; no keystore created", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenAPlaceholderWithoutDefaultIsNotSet", "config",
                    "missing secret (environment variable not set)", "refuses to start naming the file, the key and the variable", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenASegmentRuleIsNotValidCel", "config", "segment rule that is not valid CEL",
                    "refuses to start naming segments.yml, the key and the CEL error", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenASegmentNamesAnUndeclaredPurpose", "config", "segment with an unknown purpose",
                    "refuses to start naming the file and key", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenTwoConnectorsShareAnId", "config", "duplicate connector id",
                    "refuses to start naming the file and key", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenAPersonConnectorMapsAnUnknownAttribute", "config", "mapping to an unknown attribute",
                    "refuses to start listing the known attributes", "nothing"),
            known("HubConfigLoaderTest$FailsNamingFileKeyAndProblem", "whenAFileIsNotValidYamlWithTheLineNumber", "config", "config file that is not YAML",
                    "refuses to start naming the file and the line", "nothing"));

    private static Known known(String testClass, String method, String area, String tried, String did, String lost) {
        return new Known(testClass, method, area, tried, did, lost);
    }

    private static final List<Row> rows = new CopyOnWriteArrayList<>();
    private final Map<String, String> knownOutcomes = new LinkedHashMap<>();

    static void add(Row row) {
        rows.add(row);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.getSource().orElse(null) instanceof MethodSource m) {
            String simple = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
            for (Known k : KNOWN) {
                if (k.testClass().equals(simple) && k.method().equals(m.getMethodName())) {
                    String outcome = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "passed" : "FAILED";
                    knownOutcomes.merge(k.testClass() + "#" + k.method(), outcome, (a, b) -> a.equals("FAILED") ? a : b);
                }
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (rows.isEmpty() && knownOutcomes.isEmpty()) {
            return;
        }
        List<Row> now = new ArrayList<>(rows);
        for (Known k : KNOWN) {
            String outcome = knownOutcomes.get(k.testClass() + "#" + k.method());
            if (outcome != null) {
                Row row = new Row(k.area(), k.tried(), k.hubDid(), k.lost(), k.testClass().replace('$', '.') + "#" + k.method(), outcome);
                now.add(outcome.equals("passed") ? row : row.failed(row.test()));
            }
        }
        rows.clear();
        knownOutcomes.clear();
        try {
            Path file = Path.of("target", "reliability", "rows.tsv");
            Map<String, Row> all = new LinkedHashMap<>();
            if (Files.exists(file)) {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(Row::parse)
                        .forEach(r -> all.put(r.key(), r));
            }
            // a test that failed before it could record leaves a placeholder row: gone once that test has run again
            java.util.Set<String> ranNow = new java.util.HashSet<>();
            now.forEach(r -> ranNow.add(r.test()));
            all.values().removeIf(r -> r.area().equals("?") && ranNow.contains(r.test()));
            now.forEach(r -> all.put(r.key(), r));
            Files.createDirectories(file.getParent());
            Files.write(file, all.values().stream().map(Row::tsv).toList(), StandardCharsets.UTF_8);
            String markdown = render(new ArrayList<>(all.values()));
            Files.writeString(Path.of("target", "reliability.md"), markdown, StandardCharsets.UTF_8);
            if (Boolean.getBoolean("segmenthub.reliability.write")) {
                Files.writeString(Path.of("docs", "reliability.md"), markdown, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> AREAS = List.of("source", "store", "process", "destination", "config", "security", "bad input");

    static String render(List<Row> all) {
        all.sort(java.util.Comparator.comparing((Row r) -> AREAS.indexOf(r.area()) < 0 ? 99 : AREAS.indexOf(r.area()))
                .thenComparing(Row::test).thenComparing(Row::tried));
        StringBuilder md = new StringBuilder();
        md.append("""
                # Reliability: faults and bad input tried, and what was lost

                Generated by the test suite (`ReliabilityReport`, a JUnit listener) from the tests that ran; do not
                edit by hand. Regenerate with
                `mvn verify -Dsegmenthub.reliability.write=true` (H2), and again with
                `-Dspring.profiles.active=postgres` and `SEGMENT_HUB_DB_URL` for the PostgreSQL rows (rows accumulate
                in `target/reliability/rows.tsv`; every test run also writes `target/reliability.md`).
                A row says *lost: nothing* only when its test asserted it and passed.

                """);
        long failed = all.stream().filter(r -> !r.outcome().equals("passed")).count();
        md.append("Last generated: ").append(LocalDate.now(ZoneOffset.UTC)).append(", ").append(all.size()).append(" cases, ")
                .append(failed == 0 ? "all passed" : failed + " FAILED").append(".\n\n");
        String area = null;
        for (Row r : all) {
            if (!r.area().equals(area)) {
                area = r.area();
                md.append("\n## ").append(title(area)).append("\n\n")
                        .append("| tried | what the hub did | lost | test | result |\n|---|---|---|---|---|\n");
            }
            md.append("| ").append(r.tried()).append(" | ").append(r.hubDid()).append(" | ").append(r.lost()).append(" | `")
                    .append(r.test()).append("` | ").append(r.outcome()).append(" |\n");
        }
        md.append("""

                ## Known gaps

                - An unbalanced quote in a CSV file makes the rest of that file one quarantine entry (the rows before
                  it are read): a CSV parser cannot tell where the broken field ends, so it cannot resynchronise
                  without guessing. Nothing is dropped (the entry is kept sealed, with the reason), but the rows after
                  the quote come back only once the source fixes the file.
                - Destinations other than the file and database ones (added by other connectors) that cannot say which
                  rows of an interrupted push arrived have them planned again: at least once, not exactly once.
                """);
        return md.toString();
    }

    private static String title(String area) {
        return switch (area) {
            case "source" -> "Source faults (HTTP API errors, timeouts, throttling, token expiry, paging drift; whole runs)";
            case "store" -> "Store faults (database connection lost mid-run)";
            case "process" -> "Process faults (kill -9 during each stage)";
            case "destination" -> "Destination faults";
            case "config" -> "Config errors (fail at start naming file, key and problem)";
            case "security" -> "Security on failure paths";
            case "bad input" -> "Bad input";
            default -> area;
        };
    }
}
