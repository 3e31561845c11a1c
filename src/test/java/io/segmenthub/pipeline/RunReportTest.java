package io.segmenthub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RunReportTest {

    RunReport report;

    @BeforeEach
    void aRunWithTwoConnectorsTwoSegmentsAndADestination() {
        report = new RunReport();
        var crm = report.connector("crm");
        crm.pulled(120);
        crm.accepted(110);
        crm.quarantined("invalid e-mail");
        crm.quarantined("invalid e-mail");
        crm.quarantined("missing id");
        crm.dropped("marketing_email", 4);
        crm.dropped("marketing_email", 3);
        crm.stored(95);
        crm.unchanged(15);
        crm.transactions(42);
        crm.events(0);
        var consent = report.connector("consent-platform");
        consent.pulled(8);
        consent.accepted(8);
        consent.consentEvents(8);
        report.profiles().set(90, 12, 3, 1, 101);
        report.segment("champions").set(17, 5, 2);
        report.segment("win-back").set(9, 9, 0);
        report.destination("email-marketing").add(14, 2, 3, 0);
        report.destination("email-marketing").add(1, 0, 0, 0);
        report.stageTook("resolve", 40);
        report.stageTook("resolve", 2);
        report.note("as-of", "2026-11-01");
    }

    String line(String text, String startingWith) {
        return text.lines().filter(l -> l.strip().startsWith(startingWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + startingWith + "' in:\n" + text));
    }

    @Test
    void showsPerConnectorCountsInColumnOrder() {
        String text = report.format();

        assertThat(line(text, "crm").strip().split("[\\s|]+"))
                .containsExactly("crm", "120", "110", "3", "7", "95", "15", "42", "0");
        assertThat(line(text, "consent-platform").strip().split("[\\s|]+"))
                .containsExactly("consent-platform", "8", "8", "0", "0", "0", "0", "0", "0");
    }

    @Test
    void listsConnectorsInNameOrder() {
        String text = report.format();

        assertThat(text.indexOf("consent-platform")).isLessThan(text.indexOf("  crm "));
    }

    @Test
    void showsConsentEventsRecorded() {
        assertThat(report.format()).contains("consent events recorded: 8");
    }

    @Test
    void showsEachQuarantineReasonWithItsCount() {
        String text = report.format();

        assertThat(line(text, "quarantined     2")).endsWith("invalid e-mail");
        assertThat(line(text, "quarantined     1")).endsWith("missing id");
    }

    @Test
    void showsRowsDroppedPerPurpose() {
        assertThat(line(report.format(), "dropped")).matches("\\s*dropped\\s+7\\s+no lawful basis for purpose 'marketing_email'");
    }

    @Test
    void showsProfileCounts() {
        assertThat(report.format()).contains("Resolve and golden profiles: 90 created, 12 updated, 3 merged, 1 split, 101 in total");
    }

    @Test
    void showsSegmentSizes() {
        String text = report.format();

        assertThat(line(text, "champions")).matches("\\s*champions\\s+17 members \\(5 entered, 2 exited\\)");
        assertThat(line(text, "win-back")).matches("\\s*win-back\\s+9 members \\(9 entered, 0 exited\\)");
    }

    @Test
    void showsPushCountsSummedOverBatches() {
        assertThat(line(report.format(), "email-marketing")).matches(
                "\\s*email-marketing\\s+15 added,\\s+2 removed,\\s+3 withheld without consent,\\s+0 without a record in the destination");
    }

    @Test
    void showsNotesAndStageTimes() {
        String text = report.format();

        assertThat(text).contains("as-of: 2026-11-01").contains("Stage times (ms): {resolve=42}");
    }

    @Test
    void listsClustersInTheClusterersOrderAndTagsAfterSegments() {
        report.clustering("k=3 by silhouette");
        report.cluster("c2", 40, "recent, frequent");
        report.cluster("c10", 7, "very lapsed");
        report.tag("vip").set(12, 3, 1);

        String text = report.format();

        assertThat(text).contains("Behaviour clusters (k=3 by silhouette):");
        assertThat(line(text, "c2").strip().split("\\s+", 4)).containsExactly("c2", "40", "profiles", "recent, frequent");
        assertThat(text.indexOf("  c2 ")).isLessThan(text.indexOf("  c10 "));
        assertThat(line(text, "vip").strip().split("\\s+")).startsWith("vip", "12", "profiles", "(3", "entered,", "1", "exited)");
        assertThat(text.indexOf("Tags:")).isGreaterThan(text.indexOf("Segments:")).isLessThan(text.indexOf("Push (per destination):"));
        assertThat(report.segments()).doesNotContainKey("vip");
    }

    @Nested
    class EmptyRun {

        @Test
        void stillPrintsEverySectionHeading() {
            String text = new RunReport().format();

            assertThat(text).contains("connector", "Resolve and golden profiles: 0 created", "Segments:", "Push (per destination):")
                    .doesNotContain("quarantined     ", "dropped     ", "consent events recorded", "Behaviour clusters", "Tags:");
        }
    }

    /** The progress API reads the pulled total while the run's thread adds connectors and counts rows. */
    @Test
    void thePulledTotalCanBeReadWhileTheRunAddsConnectors() throws Exception {
        RunReport live = new RunReport();
        int connectors = 20_000;
        Thread run = new Thread(() -> {
            for (int i = 0; i < connectors; i++) {
                live.connector("c" + i).pulled(2);
            }
        });
        run.start();
        long last = 0;
        while (run.isAlive()) {
            long now = live.pulledSoFar();
            assertThat(now).isGreaterThanOrEqualTo(last);
            last = now;
        }
        run.join();

        assertThat(live.pulledSoFar()).isEqualTo(2L * connectors);
    }
}
