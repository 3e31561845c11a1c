package io.segmenthub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A small made-up company for end-to-end tests: a CRM export, an ERP database script, a consent
 * CSV, and the config that connects them, written into a temporary folder. The people:
 * <ul>
 *   <li>Ada Lovelace: in the CRM and the ERP (e-mail in different case), a heavy buyer;</li>
 *   <li>张伟 / Zhang Wei: hanzi in the CRM, pinyin in the ERP, linked by the phone only;</li>
 *   <li>Bob Stone: CRM and ERP, buys, opted in to e-mail (a later test withdraws it);</li>
 *   <li>Eve Dark: ERP only, buys, never consented to e-mail;</li>
 *   <li>one CRM row without an id (quarantined).</li>
 * </ul>
 */
final class HubFixture {

    static final String ADA_EMAIL = "ada.lovelace@example.org";
    static final String ZHANG_PHONE = "13800138000";
    static final String BOB_EMAIL = "bob.stone@example.com";
    static final String EVE_EMAIL = "eve.dark@example.net";
    static final List<String> PLAINTEXT = List.of(ADA_EMAIL, "Lovelace", "张伟", "Zhang Wei", "138 0013 8000", ZHANG_PHONE,
            "8613800138000", BOB_EMAIL, "Stone", EVE_EMAIL, "Dark", "+442079460001", "7946 0001", "12 Analytical Way");

    final Path root;
    final Path config;
    final Path data;
    final Path out;
    final String erpUrl;

    HubFixture(Path root) {
        this.root = root;
        this.config = root.resolve("config");
        this.data = root.resolve("data");
        this.out = root.resolve("out");
        this.erpUrl = "jdbc:h2:file:" + root.resolve("erp").toAbsolutePath() + ";AUTO_SERVER=FALSE";
    }

    static final String PASSWORD = UUID.randomUUID().toString();

    /** The console and API users of every test hub: name, password, role. */
    static final String[][] USERS = {{"admin", "admin-demo"}, {"compliance", "compliance-demo"}, {"analyst", "analyst-demo"}};

    HubFixture writeConfig() {
        write(config.resolve("users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                  - {name: compliance, password-hash: "$2a$10$6vyLyUBWsg4U2DVMoVrvou1VaMlzjXA9bK/WbNJ9m/Jc4vl6dzaQa", roles: [compliance]}
                  - {name: analyst, password-hash: "$2a$10$Diarf/Zf0k8UKmXec7XkROWJT0oMzk/B8BgbU6BRGUZ5HVo8skyuW", roles: [analyst]}
                """);
        write(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: CN
                  survivorship:
                    source-priority: [erp, crm]
                  scoring:
                    as-of: 2026-11-01
                    currency: CNY
                    fx-rates: {GBP: 9.00}
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
                  - id: analytics
                    basis: consent
                """);
        write(config.resolve("segments.yml"), """
                segments:
                  - id: buyers
                    purpose: marketing_email
                    rule: "orders >= 1"
                  - id: big-spenders
                    purpose: profiling
                    rule: "revenue >= 1000.0"
                  - id: buyers-ab
                    purpose: marketing_email
                    rule: "orders >= 1"
                    holdout: 0.5
                """);
        write(config.resolve("connectors.yml"), """
                connectors:
                  - id: consent
                    type: file
                    kind: consent
                    file: {path: %1$s/consent.csv, format: csv}
                    mapping:
                      consent-event: {email: email, phone: phone, purpose: purpose, status: status, occurred-at: occurred_at, evidence: evidence}
                  - id: crm
                    type: file
                    purpose: customer_account
                    region: CN
                    batch-size: 2
                    file: {path: %1$s/crm.json, format: json}
                    mapping:
                      id: contact_id
                      updated-at: modified
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: mobile, country: country}
                      consent: {marketing_email: email_opt_in}
                  - id: erp-customers
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    jdbc:
                      url: "%2$s"
                      username: sa
                      init-script: %1$s/erp.sql
                      query: SELECT * FROM customers WHERE updated_at >= :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: phone, street: street, country: country_code}
                  - id: erp-orders
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    jdbc:
                      url: "%2$s"
                      username: sa
                      query: SELECT * FROM orders WHERE updated_at >= :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      transaction: {id: order_no, date: order_date, amount: amount, currency: currency}
                  - id: web
                    type: file
                    purpose: analytics
                    file: {path: %1$s/web.jsonl, format: jsonl}
                    mapping:
                      id: user_id
                      updated-at: ts
                      identity: {email: email}
                      consent: {analytics: consent.analytics}
                      event: {id: event_id, type: type, at: ts}
                destinations:
                  - id: newsletter
                    type: file
                    purpose: marketing_email
                    segments: [buyers]
                    fields: [golden_id, email]
                    file: {dir: %3$s}
                  - id: ab-test
                    type: file
                    purpose: marketing_email
                    segments: [buyers-ab]
                    file: {dir: %3$s/ab}
                  - id: erp-accounts
                    type: jdbc
                    purpose: profiling
                    system: erp
                    segments: [big-spenders]
                    jdbc: {url: "%2$s", username: sa, table: hub_segment_members, create-table: true}
                """.formatted(root.resolve("sources").toAbsolutePath(), erpUrl, out.toAbsolutePath()));
        return this;
    }

    /** The sources as they are before any test changes them. */
    HubFixture writeSources() {
        Path sources = root.resolve("sources");
        write(sources.resolve("crm.json"), """
                [
                  {"contact_id": "C-1", "first_name": "Ada", "last_name": "Lovelace", "email": "%s", "mobile": "+44 20 7946 0001",
                   "country": "United Kingdom", "modified": "2026-01-05T10:00:00Z", "email_opt_in": true},
                  {"contact_id": "C-2", "first_name": "伟", "last_name": "张", "email": null, "mobile": "138 0013 8000",
                   "country": "中国", "modified": "2026-02-01T08:00:00Z", "email_opt_in": true},
                  {"contact_id": "C-3", "first_name": "Bob", "last_name": "Stone", "email": "%s", "mobile": null,
                   "country": "GB", "modified": "2026-03-01T08:00:00Z", "email_opt_in": true},
                  {"first_name": "No", "last_name": "Id", "email": "no.id@example.org", "modified": "2026-03-01T08:00:00Z"}
                ]
                """.formatted(ADA_EMAIL, BOB_EMAIL));
        write(sources.resolve("web.jsonl"), """
                {"event_id": "E1", "user_id": "U1", "email": "%s", "type": "page_view", "ts": "2026-10-02T10:00:00Z", "consent": {"analytics": true}}
                {"event_id": "E2", "user_id": "U1", "email": null, "type": "add_to_cart", "ts": "2026-10-02T10:05:00Z", "consent": {"analytics": true}}
                {"event_id": "E3", "user_id": "U2", "email": null, "type": "page_view", "ts": "2026-10-03T11:00:00Z", "consent": {"analytics": false}}
                {"event_id": "E4", "user_id": "U1", "type": "page_view", "ts": "2026-10-0
                """.formatted(ADA_EMAIL));
        write(sources.resolve("consent.csv"), """
                email,phone,purpose,status,occurred_at,evidence
                %s,,marketing_email,granted,2026-01-05T10:00:00Z,form:newsletter
                %s,,marketing_email,denied,2026-01-06T10:00:00Z,form:checkout
                """.formatted(ADA_EMAIL, EVE_EMAIL));
        write(sources.resolve("erp.sql"), """
                CREATE TABLE customers (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100),
                  email VARCHAR(200), phone VARCHAR(40), street VARCHAR(200), country_code VARCHAR(3), updated_at TIMESTAMP NOT NULL);
                CREATE TABLE orders (order_no VARCHAR(20) PRIMARY KEY, customer_no VARCHAR(20) NOT NULL, order_date DATE NOT NULL,
                  amount DECIMAL(12,2) NOT NULL, currency CHAR(3) NOT NULL, updated_at TIMESTAMP NOT NULL);
                INSERT INTO customers VALUES
                  ('K1', 'Ada', 'Lovelace', 'Ada.Lovelace@Example.org', '02079460001', '12 Analytical Way', 'GBR', TIMESTAMP '2026-01-10 09:00:00'),
                  ('K2', 'Wei', 'Zhang', NULL, '8613800138000', NULL, 'CHN', TIMESTAMP '2026-01-11 09:00:00'),
                  ('K3', 'Bob', 'Stone', '%s', NULL, NULL, 'GB', TIMESTAMP '2026-01-12 09:00:00'),
                  ('K4', 'Eve', 'Dark', '%s', NULL, NULL, 'GB', TIMESTAMP '2026-01-13 09:00:00');
                INSERT INTO orders VALUES
                  ('O1', 'K1', DATE '2026-10-01', 300.00, 'GBP', TIMESTAMP '2026-10-01 12:00:00'),
                  ('O2', 'K1', DATE '2026-10-15', 200.00, 'GBP', TIMESTAMP '2026-10-15 12:00:00'),
                  ('O3', 'K2', DATE '2026-05-01', 88.00, 'CNY', TIMESTAMP '2026-05-01 12:00:00'),
                  ('O4', 'K3', DATE '2026-09-01', 40.00, 'GBP', TIMESTAMP '2026-09-01 12:00:00'),
                  ('O5', 'K4', DATE '2026-08-01', 50.00, 'GBP', TIMESTAMP '2026-08-01 12:00:00');
                """.formatted(BOB_EMAIL, EVE_EMAIL));
        return this;
    }

    /** A clean store, an empty ERP, no pushed files, and the sources as they were. */
    void reset(org.flywaydb.core.Flyway flyway, io.segmenthub.connector.JdbcConnections connections) {
        flyway.clean();
        flyway.migrate();
        new org.springframework.jdbc.core.JdbcTemplate(connections.get(erpUrl, "sa", null)).execute("DROP ALL OBJECTS");
        org.springframework.util.FileSystemUtils.deleteRecursively(out.toFile());
        writeSources();
    }

    void appendConsent(String line) {
        try {
            Files.writeString(root.resolve("sources/consent.csv"), line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
