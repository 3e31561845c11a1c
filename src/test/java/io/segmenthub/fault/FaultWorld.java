package io.segmenthub.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A made-up company of {@code people} customers for the fault suite, written into a folder: a CRM
 * export (JSON), an ERP database (H2 file, seeded by a script: customers and orders), consent
 * events (CSV), and the config that connects them to two destinations, a file list of buyers for
 * the newsletter and a table of big spenders in a separate database. Deterministic: person
 * {@code i} is always the same, so two worlds of the same size give the same results.
 *
 * <ul>
 *   <li>every person is in the CRM ({@code C-i}); even ones are also in the ERP ({@code K-i}, same
 *       e-mail in upper case, so they resolve to one profile) with one order of
 *       {@code (i % 7 + 1) * 100} GBP;</li>
 *   <li>opt-in to e-mail in the CRM unless {@code i % 3 == 0}; {@code i % 5 == 0} withdrew later
 *       (consent CSV);</li>
 *   <li>segments: {@code buyers} (orders, marketing_email) to the file destination
 *       {@code newsletter}; {@code big-spenders} (revenue ≥ 400, profiling) to the table
 *       {@code hub_segment_members} of the destination database.</li>
 * </ul>
 */
public final class FaultWorld {

    static final String[] GIVEN = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Tony", "Radia", "Ken"};
    /** Family names unusual enough that finding one in a log can only mean a leak. */
    static final String[] FAMILY = {"Quillfeather", "Marrowby", "Thistlewick", "Pemberwell", "Oddsworthy", "Brackenridge",
            "Fenwhistle", "Gorsemoor", "Hazelgrove", "Inkermann"};

    final Path root;
    final Path config;
    final Path data;
    final Path sources;
    final Path out;
    final String erpUrl;
    final String destinationUrl;
    final int people;

    /** A world whose databases only this JVM opens. */
    public FaultWorld(Path root, int people) {
        this(root, people, false);
    }

    /** @param shared whether another process (a hub started as a child) opens the databases too */
    public FaultWorld(Path root, int people, boolean shared) {
        this.root = root;
        this.people = people;
        this.config = root.resolve("config");
        this.data = root.resolve("data");
        this.sources = root.resolve("sources");
        this.out = root.resolve("out");
        String mode = shared ? ";AUTO_SERVER=TRUE" : "";
        this.erpUrl = "jdbc:h2:file:" + root.resolve("erp").toAbsolutePath() + mode;
        this.destinationUrl = "jdbc:h2:file:" + root.resolve("dest").toAbsolutePath() + mode;
    }

    static String given(int i) {
        return GIVEN[i % GIVEN.length];
    }

    static String family(int i) {
        return FAMILY[(i / GIVEN.length) % FAMILY.length];
    }

    static String email(int i) {
        return (given(i) + "." + family(i) + "." + i + "@example.org").toLowerCase(Locale.ROOT);
    }

    /** Ofcom's range for drama (07700 900000 to 900999): never a real subscriber. */
    static String phone(int i) {
        return "+44 7700 900" + String.format("%03d", i % 1000);
    }

    /** Every personal value the sources hold, as a log or message could spell it. */
    List<String> plaintext() {
        List<String> values = new ArrayList<>(List.of(FAMILY));
        for (int i = 1; i <= people; i++) {
            values.add(email(i));
            values.add("7700900" + String.format("%03d", i % 1000));
            values.add("7700 900" + String.format("%03d", i % 1000));
        }
        return values;
    }

    public FaultWorld write() {
        writeConfig();
        writeSources();
        return this;
    }

    FaultWorld writeConfig() {
        write(config.resolve("users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                """);
        write(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: GB
                  scoring:
                    as-of: 2026-11-01
                    currency: GBP
                syncs:
                  - id: nightly
                    cron: "0 0 2 * * ?"
                """);
        write(config.resolve("purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                  - id: profiling
                    basis: legitimate_interest
                  - id: marketing_email
                    basis: consent
                """);
        write(config.resolve("segments.yml"), """
                segments:
                  - id: buyers
                    purpose: marketing_email
                    rule: "orders >= 1"
                  - id: big-spenders
                    purpose: profiling
                    rule: "revenue >= 400.0"
                """);
        write(config.resolve("connectors.yml"), """
                connectors:
                  - id: consent
                    type: file
                    kind: consent
                    file: {path: %1$s/consent.csv, format: csv}
                    mapping:
                      consent-event: {email: email, purpose: purpose, status: status, occurred-at: occurred_at, evidence: evidence}
                  - id: crm
                    type: file
                    purpose: customer_account
                    batch-size: 50
                    file: {path: %1$s/crm.json, format: json}
                    mapping:
                      id: contact_id
                      updated-at: modified
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: mobile}
                      consent: {marketing_email: email_opt_in}
                  - id: erp-customers
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    batch-size: 50
                    jdbc:
                      url: "%2$s"
                      username: sa
                      init-script: %1$s/erp.sql
                      query: SELECT * FROM customers WHERE updated_at >= :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: phone}
                  - id: erp-orders
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    batch-size: 50
                    jdbc:
                      url: "%2$s"
                      username: sa
                      query: SELECT * FROM orders WHERE updated_at >= :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      transaction: {id: order_no, date: order_date, amount: amount, currency: currency}
                destinations:
                  - id: newsletter
                    type: file
                    purpose: marketing_email
                    segments: [buyers]
                    fields: [golden_id, email]
                    file: {dir: %3$s}
                  - id: erp-accounts
                    type: jdbc
                    purpose: profiling
                    system: erp
                    segments: [big-spenders]
                    jdbc: {url: "%4$s", username: sa, table: hub_segment_members, create-table: true}
                """.formatted(sources.toAbsolutePath(), erpUrl, out.toAbsolutePath(), destinationUrl));
        return this;
    }

    FaultWorld writeSources() {
        StringBuilder crm = new StringBuilder("[\n");
        StringBuilder erp = new StringBuilder("""
                CREATE TABLE customers (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100),
                  email VARCHAR(200), phone VARCHAR(40), updated_at TIMESTAMP NOT NULL);
                CREATE TABLE orders (order_no VARCHAR(20) PRIMARY KEY, customer_no VARCHAR(20) NOT NULL, order_date DATE NOT NULL,
                  amount DECIMAL(12,2) NOT NULL, currency CHAR(3) NOT NULL, updated_at TIMESTAMP NOT NULL);
                """);
        StringBuilder consent = new StringBuilder("email,purpose,status,occurred_at,evidence\n");
        for (int i = 1; i <= people; i++) {
            String modified = "2026-01-01T00:00:00Z".replace("00:00:00", String.format("%02d:%02d:%02d", (i / 3600) % 24, (i / 60) % 60, i % 60));
            crm.append(String.format("  {\"contact_id\": \"C-%d\", \"first_name\": \"%s\", \"last_name\": \"%s\", \"email\": \"%s\", "
                            + "\"mobile\": \"%s\", \"modified\": \"%s\", \"email_opt_in\": %s}%s%n",
                    i, given(i), family(i), email(i), phone(i), modified, i % 3 != 0, i == people ? "" : ","));
            if (i % 2 == 0) {
                String at = String.format("TIMESTAMP '2026-02-01 %02d:%02d:%02d'", (i / 3600) % 24, (i / 60) % 60, i % 60);
                erp.append(String.format("INSERT INTO customers VALUES ('K-%d', '%s', '%s', '%s', '%s', %s);%n",
                        i, given(i), family(i), email(i).toUpperCase(Locale.ROOT), phone(i).replace("+44 ", "0"), at));
                erp.append(String.format("INSERT INTO orders VALUES ('O-%d', 'K-%d', DATE '2026-10-01', %d.00, 'GBP', %s);%n",
                        i, i, (i % 7 + 1) * 100, at));
            }
            if (i % 5 == 0) {
                consent.append(email(i)).append(",marketing_email,denied,2026-06-01T10:00:00Z,form:preferences\n");
            }
        }
        crm.append("]\n");
        write(sources.resolve("crm.json"), crm.toString());
        write(sources.resolve("erp.sql"), erp.toString());
        write(sources.resolve("consent.csv"), consent.toString());
        return this;
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
