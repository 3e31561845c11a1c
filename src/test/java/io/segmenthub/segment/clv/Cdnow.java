package io.segmenthub.segment.clv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The CDNOW sample from {@code src/test/resources/cdnow} (see the README there): transactions and
 * the published calibration summary (39 weeks to 1997-09-30).
 */
final class Cdnow {

    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

    /** One row of {@code cdnow_customers_summary_with_transactions.csv}. */
    record SummaryRow(String id, int x, double tx, double age, double zbar) {

        PurchaseSummary summary() {
            return new PurchaseSummary(id, x, tx, age);
        }

        RepeatSpend spend() {
            return new RepeatSpend(id, x, zbar);
        }
    }

    private Cdnow() {
    }

    /** CDNOW_sample.txt: master id, sample id, date YYYYMMDD, CDs, dollars; keyed by sample id. */
    static List<Purchase> sampleTransactions() {
        List<Purchase> purchases = new ArrayList<>();
        for (String line : lines("/cdnow/CDNOW_sample.txt")) {
            String[] cells = line.trim().split("\\s+");
            purchases.add(new Purchase(String.valueOf(Integer.parseInt(cells[1])),
                    LocalDate.parse(cells[2], DateTimeFormatter.BASIC_ISO_DATE), new BigDecimal(cells[4])));
        }
        return purchases;
    }

    static List<SummaryRow> summary() {
        List<String> lines = lines("/cdnow/cdnow_customers_summary_with_transactions.csv");
        if (!lines.get(0).equals("ID,x,t_x,T,zbar")) {
            throw new IllegalStateException("unexpected header " + lines.get(0));
        }
        return lines.stream().skip(1).map(line -> {
            String[] cells = line.split(",");
            return new SummaryRow(cells[0], Integer.parseInt(cells[1]), Double.parseDouble(cells[2]),
                    Double.parseDouble(cells[3]), Double.parseDouble(cells[4]));
        }).toList();
    }

    static List<PurchaseSummary> calibrationSummaries() {
        return summary().stream().map(SummaryRow::summary).toList();
    }

    static List<RepeatSpend> repeatBuyers() {
        return summary().stream().filter(row -> row.x() > 0).map(SummaryRow::spend).toList();
    }

    private static List<String> lines(String resource) {
        try (InputStream in = Cdnow.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            // readLine splits on CRLF as well as LF, so the upstream CRLF files need no conversion.
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).lines()
                    .filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
