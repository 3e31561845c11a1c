package io.segmenthub.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.segmenthub.profile.matching.SyntheticPeople;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A made-up company for the pipeline benchmark: {@code records} customer records from
 * {@link SyntheticPeople} (duplicates across systems, typos, nicknames, households, Han and pinyin
 * names), spread over the connector types a hub pulls — a CRM export (JSON Lines), an ERP database
 * (H2 file: customers and their orders), web-analytics events (JSON Lines, with user ids and consent)
 * and social profiles (JSON Lines, with engagement counts) — and the config that connects them and
 * pushes two segments to a file destination. Deterministic by seed: the same seed and size give the
 * same files and rows.
 *
 * <p>Spread by record: 40 % CRM, 30 % ERP (each with one to three orders around a spending level of
 * its own), 15 % web, 15 % social.
 * {@link #change} then alters one record in a hundred in every source, as a day's edits would.
 */
final class BenchWorld {

    final Path root;
    final Path config;
    final Path sources;
    final Path out;
    /** Which person each identity record is: {@code system}, tab, record id as the source gives it, tab, person id. */
    final Path truth;
    final String erpUrl;
    final int records;
    final long seed;

    /** Counts of what was written, per source. */
    long crm;
    long erp;
    long orders;
    long web;
    long social;

    BenchWorld(Path root, int records, long seed) {
        this.root = root;
        this.records = records;
        this.seed = seed;
        this.config = root.resolve("config");
        this.sources = root.resolve("sources");
        this.out = root.resolve("out");
        this.truth = root.resolve("truth.tsv");
        this.erpUrl = "jdbc:h2:file:" + root.resolve("erp").toAbsolutePath();
    }

    long sourceRows() {
        return crm + erp + orders + web + social;
    }

    BenchWorld write() throws IOException, SQLException {
        Files.createDirectories(sources);
        writeConfig();
        JsonFactory factory = new JsonFactory();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EED);
        LocalDate today = LocalDate.of(2026, 11, 1);
        Instant modified = Instant.parse("2026-10-01T00:00:00Z");
        try (Writer crmOut = Files.newBufferedWriter(sources.resolve("crm.jsonl"), StandardCharsets.UTF_8);
             Writer webOut = Files.newBufferedWriter(sources.resolve("web.jsonl"), StandardCharsets.UTF_8);
             Writer socialOut = Files.newBufferedWriter(sources.resolve("social.jsonl"), StandardCharsets.UTF_8);
             Writer truthOut = Files.newBufferedWriter(truth, StandardCharsets.UTF_8);
             Connection erpDb = DriverManager.getConnection(erpUrl, "sa", "")) {
            try (Statement s = erpDb.createStatement()) {
                s.execute("DROP ALL OBJECTS");
                s.execute("""
                        CREATE TABLE customers (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100),
                          email VARCHAR(200), phone VARCHAR(40), street VARCHAR(200), postcode VARCHAR(20), city VARCHAR(100),
                          date_of_birth VARCHAR(10), updated_at TIMESTAMP NOT NULL)""");
                s.execute("""
                        CREATE TABLE orders (order_no VARCHAR(24) PRIMARY KEY, customer_no VARCHAR(20) NOT NULL, order_date DATE NOT NULL,
                          amount DECIMAL(12,2) NOT NULL, currency VARCHAR(3) NOT NULL, updated_at TIMESTAMP NOT NULL)""");
                s.execute("CREATE INDEX customers_updated ON customers(updated_at)");
                s.execute("CREATE INDEX orders_updated ON orders(updated_at)");
            }
            erpDb.setAutoCommit(false);
            try (PreparedStatement customer = erpDb.prepareStatement("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement order = erpDb.prepareStatement("INSERT INTO orders VALUES (?,?,?,?,?,?)")) {
                int[] pending = {0};
                new SyntheticPeople(seed).forEach(records, p -> {
                    try {
                        int slot = Math.floorMod(mix(p.id()), 20);
                        truthOut.write((slot < 8 ? "crm\tC-" : slot < 14 ? "erp\tK-" : slot < 17 ? "web\tU-" : "social\t@")
                                + p.id() + "\t" + p.personId() + "\n");
                        if (slot < 8) {
                            json(factory, crmOut, g -> {
                                g.writeStringField("contact_id", "C-" + p.id());
                                g.writeStringField("first_name", p.givenName());
                                g.writeStringField("last_name", p.familyName());
                                optional(g, "email", p.email());
                                optional(g, "mobile", p.phone());
                                optional(g, "birthday", p.birthDate());
                                g.writeStringField("city", p.city());
                                g.writeStringField("modified", modified.plusSeconds(random.nextInt(86_400 * 30)).toString());
                                g.writeBooleanField("email_opt_in", random.nextInt(10) < 7);
                            });
                            crm++;
                        } else if (slot < 14) {
                            String no = "K-" + p.id();
                            customer.setString(1, no);
                            customer.setString(2, p.givenName());
                            customer.setString(3, p.familyName());
                            customer.setString(4, p.email().orElse(null));
                            customer.setString(5, p.phone().orElse(null));
                            customer.setString(6, p.street());
                            customer.setString(7, p.postcode());
                            customer.setString(8, p.city());
                            customer.setString(9, p.birthDate().orElse(null));
                            customer.setTimestamp(10, Timestamp.from(modified.plusSeconds(random.nextInt(86_400 * 30))));
                            customer.addBatch();
                            erp++;
                            int count = 1 + random.nextInt(3);
                            // each customer spends around a level of their own (log-normal, median 40 GBP), as
                            // real customers do: amounts drawn alike for everyone leave Gamma-Gamma nothing to fit
                            double level = 40 * Math.exp(0.6 * random.nextGaussian());
                            for (int o = 0; o < count; o++) {
                                LocalDate date = today.minusDays(random.nextInt(720));
                                order.setString(1, no + "-" + o);
                                order.setString(2, no);
                                order.setObject(3, date);
                                double amount = Math.max(1, level * Math.exp(0.3 * random.nextGaussian()));
                                order.setBigDecimal(4, java.math.BigDecimal.valueOf(Math.round(amount * 100), 2));
                                order.setString(5, "GBP");
                                order.setTimestamp(6, Timestamp.from(date.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)));
                                order.addBatch();
                                orders++;
                            }
                            if (++pending[0] % 5_000 == 0) {
                                customer.executeBatch();
                                order.executeBatch();
                                erpDb.commit();
                            }
                        } else if (slot < 17) {
                            json(factory, webOut, g -> {
                                g.writeStringField("event_id", "E-" + p.id());
                                g.writeStringField("user_id", "U-" + p.id());
                                optional(g, "email", p.email());
                                g.writeStringField("type", random.nextInt(3) == 0 ? "purchase_intent" : "page_view");
                                g.writeStringField("ts", modified.plusSeconds(random.nextInt(86_400 * 30)).toString());
                                g.writeObjectFieldStart("consent");
                                g.writeBooleanField("analytics", random.nextInt(10) < 8);
                                g.writeBooleanField("marketing_email", random.nextInt(10) < 5);
                                g.writeEndObject();
                            });
                            web++;
                        } else {
                            json(factory, socialOut, g -> {
                                g.writeStringField("handle", "@" + p.id());
                                g.writeStringField("display_name", p.chineseName() ? p.familyName() + p.givenName()
                                        : p.givenName() + " " + p.familyName());
                                optional(g, "email", p.email());
                                optional(g, "phone", p.phone());
                                g.writeNumberField("followers", random.nextInt(5_000));
                                g.writeNumberField("likes", random.nextInt(20_000));
                                g.writeNumberField("comments", random.nextInt(2_000));
                                g.writeStringField("updated", modified.plusSeconds(random.nextInt(86_400 * 30)).toString());
                            });
                            social++;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                customer.executeBatch();
                order.executeBatch();
                erpDb.commit();
            }
        }
        return this;
    }

    /**
     * One record in a hundred changes in every source: a new phone number in the ERP (and its
     * timestamp moves), a changed city in the CRM export, a new page view on the web and a new
     * follower count on social. The files are rewritten, as a nightly export would be. Each call
     * changes another hundredth (the first call's is the one every earlier result was measured on).
     */
    long change(int percent) throws IOException, SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int shift = 37 * changes++; // another residue of the hash each round
        long changed = 0;
        try (Connection erpDb = DriverManager.getConnection(erpUrl, "sa", "");
             PreparedStatement update = erpDb.prepareStatement("UPDATE customers SET phone = '+44 7700 9' || RIGHT(customer_no, 5),"
                     + " updated_at = ? WHERE MOD(ORA_HASH(customer_no) + ?, 100) < ?")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setInt(2, shift);
            update.setInt(3, percent);
            changed += update.executeUpdate();
        }
        changed += rewrite(sources.resolve("crm.jsonl"), percent, shift, line -> line.replaceFirst("\"city\":\"([^\"]*)\"", "\"city\":\"$1 Centre\"")
                .replaceFirst("\"modified\":\"[^\"]*\"", "\"modified\":\"" + now + "\""));
        changed += rewrite(sources.resolve("social.jsonl"), percent, shift, line -> line.replaceFirst("\"followers\":(\\d+)", "\"followers\":$1" + "1"));
        changed += rewrite(sources.resolve("web.jsonl"), percent, shift, line -> line.replaceFirst("\"event_id\":\"E-", "\"event_id\":\"E2-")
                .replaceFirst("\"ts\":\"[^\"]*\"", "\"ts\":\"" + now + "\""));
        return changed;
    }

    /** How many times {@link #change} was called. */
    private int changes;

    private static long rewrite(Path file, int percent, int shift, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long changed = 0;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8); Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            var it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (Math.floorMod(mix(line) + shift, 100) < percent) {
                    line = edit.apply(line);
                    changed++;
                }
                w.write(line);
                w.write('\n');
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return changed;
    }

    private static int mix(String s) {
        int h = s.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void json(JsonFactory factory, Writer out, Fields fields) throws IOException {
        JsonGenerator g = factory.createGenerator(out);
        g.writeStartObject();
        fields.write(g);
        g.writeEndObject();
        g.flush();
        out.write('\n');
    }

    private static void optional(JsonGenerator g, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(field, value.get());
        }
    }

    private void writeConfig() throws IOException {
        Files.createDirectories(config);
        Files.writeString(config.resolve("users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                """);
        Files.writeString(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: GB
                  resolution:
                    probabilistic: true
                  scoring:
                    as-of: 2026-11-01
                    currency: GBP
                syncs:
                  - id: nightly
                    cron: "0 0 2 * * ?"
                """);
        Files.writeString(config.resolve("purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                  - id: profiling
                    basis: legitimate_interest
                  - id: analytics
                    basis: consent
                  - id: marketing_email
                    basis: consent
                """);
        Files.writeString(config.resolve("segments.yml"), """
                segments:
                  - id: buyers
                    purpose: marketing_email
                    rule: "orders >= 1"
                  - id: big-spenders
                    purpose: profiling
                    rule: "revenue >= 150.0"
                """);
        Files.writeString(config.resolve("connectors.yml"), """
                connectors:
                  - id: crm
                    type: file
                    purpose: customer_account
                    file: {path: %1$s/crm.jsonl, format: jsonl}
                    mapping:
                      id: contact_id
                      updated-at: modified
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: mobile, city: city, birth_date: birthday}
                      consent: {marketing_email: email_opt_in}
                  - id: erp-customers
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    jdbc:
                      url: "%2$s"
                      username: sa
                      query: SELECT * FROM customers WHERE updated_at >= :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: phone, street: street,
                                 postcode: postcode, city: city, birth_date: date_of_birth}
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
                      updated-at: updated_at
                      transaction: {id: order_no, date: order_date, amount: amount, currency: currency}
                  - id: web
                    type: file
                    system: web
                    purpose: analytics
                    file: {path: %1$s/web.jsonl, format: jsonl}
                    mapping:
                      id: user_id
                      updated-at: ts
                      identity: {email: email}
                      consent: {analytics: consent.analytics, marketing_email: consent.marketing_email}
                      event: {id: event_id, type: type, at: ts}
                  - id: social
                    type: file
                    purpose: profiling
                    file: {path: %1$s/social.jsonl, format: jsonl}
                    mapping:
                      id: handle
                      id-is-personal: true
                      updated-at: updated
                      identity: {full_name: display_name, email: email, phone: phone}
                      metrics: {social_followers: followers, social_likes: likes, social_comments: comments}
                destinations:
                  - id: lists
                    type: file
                    purpose: profiling
                    segments: [buyers, big-spenders]
                    fields: [golden_id]
                    file: {dir: %3$s}
                """.formatted(sources.toAbsolutePath(), erpUrl, out.toAbsolutePath()));
    }
}
