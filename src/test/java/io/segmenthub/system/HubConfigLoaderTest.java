package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/**
 * Loads the repository's real {@code config/} folder, copied into a temp folder, and breaks one
 * file at a time: every failure must name the file, the key and the problem.
 */
class HubConfigLoaderTest {

    private static final Path REAL_CONFIG = Path.of("config");

    @TempDir
    Path dir;

    private MockEnvironment environment;

    @BeforeEach
    void copyRealConfig() throws IOException {
        environment = new MockEnvironment();
        try (Stream<Path> files = Files.list(REAL_CONFIG)) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
    }

    private HubConfig load() {
        return load(dir);
    }

    private HubConfig load(Path folder) {
        var validator = Validation.buildDefaultValidatorFactory().getValidator();
        return new HubConfigLoader(environment, validator).load(folder);
    }

    /** Replaces text that must be in the file, so a changed baseline fails loudly instead of testing nothing. */
    private void edit(String file, String from, String to) throws IOException {
        Path path = dir.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as("baseline %s", file).contains(from);
        Files.writeString(path, text.replace(from, to));
    }

    private ConfigException failure() {
        ConfigException e = catchThrowableOfType(ConfigException.class, this::load);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }

    private static void assertFailure(ConfigException e, String file, String key, String... problemParts) {
        assertThat(e.file().getFileName()).hasToString(file);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.problem()).contains(problemParts);
        assertThat(e.getMessage()).contains(file).contains(key).contains(e.problem());
    }

    @Test
    void aSyncMaySkipTicksItMissedInsteadOfRunningOnceLate() throws IOException {
        edit("hub.yml", "cron: \"0 0 2 * * ?\"", "cron: \"0 0 2 * * ?\"\n    misfire: skip");

        assertThat(load().syncs().get(0).misfire()).isEqualTo(SyncSchedule.Misfire.SKIP);
        assertThat(SyncSchedule.Misfire.SKIP.quartzInstruction()).isEqualTo(org.quartz.CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
        assertThat(SyncSchedule.Misfire.RUN_ONCE.quartzInstruction()).isEqualTo(org.quartz.CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
    }

    @Test
    void loadsTheRepositorysConfigFolder() {
        HubConfig config = load();

        assertThat(config.connectors()).extracting(c -> c.id())
                .containsExactly("consent-platform", "crm", "erp-customers", "erp-orders", "web-analytics", "social");
        assertThat(config.destinations()).extracting(d -> d.id()).containsExactly("email-marketing", "erp-key-accounts");
        assertThat(config.purposes()).containsOnlyKeys("customer_account", "profiling", "analytics", "marketing_email", "marketing_sms");
        assertThat(config.segments()).hasSize(5);
        assertThat(config.syncs()).singleElement().satisfies(s -> {
            assertThat(s.cron()).isEqualTo("0 0 2 * * ?");
            assertThat(s.misfire()).isEqualTo(SyncSchedule.Misfire.RUN_ONCE);
        });
        assertThat(config.hub().personalData()).contains("email", "phone").doesNotContain("country", "city");
        assertThat(config.tags()).extracting(t -> t.id()).containsExactly("vip", "churn-risk");
        assertThat(config.destination("erp-key-accounts").tags()).containsExactly("vip");
        var clustering = config.hub().scoring().clustering();
        assertThat(clustering.enabledOrDefault()).isTrue();
        assertThat(clustering.fixedK()).isEmpty();
        assertThat(clustering.kRange()).containsExactly(2, 8);
        assertThat(clustering.seedOrDefault()).isEqualTo(42);
        assertThat(clustering.features()).extracting(f -> f.key()).containsExactly("recency", "frequency", "monetary", "engagement", "tenure");
    }

    @Test
    void withoutAClusteringSectionClusteringIsOffAndAFixedKIsRead() throws IOException {
        String line = "    clustering: {enabled: true, k: auto, k-range: [2, 8], seed: 42, features: [recency, frequency, monetary, engagement, tenure]}\n";
        edit("hub.yml", line, "");
        assertThat(load().hub().scoring().clustering().enabledOrDefault()).isFalse();

        Files.writeString(dir.resolve("hub.yml"), Files.readString(dir.resolve("hub.yml"))
                .replace("    currency: CNY\n", "    currency: CNY\n    clustering: {k: 4, features: [monetary, recency]}\n"));
        var clustering = load().hub().scoring().clustering();
        assertThat(clustering.enabledOrDefault()).isTrue();
        assertThat(clustering.fixedK()).hasValue(4);
        assertThat(clustering.settings().features()).extracting(f -> f.key()).containsExactly("monetary", "recency");
    }

    @Nested
    class ClusteringAndTagsFailNamingFileKeyAndProblem {

        private static final String CLUSTERING = "clustering: {enabled: true, k: auto, k-range: [2, 8], seed: 42, features: [recency, frequency, monetary, engagement, tenure]}";

        @Test
        void whenKIsNeitherAutoNorANumberOfClusters() throws IOException {
            edit("hub.yml", "k: auto", "k: lots");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.k", "'lots' is not valid", "auto or a number of clusters from 2 to 20");
        }

        @Test
        void whenKIsOne() throws IOException {
            edit("hub.yml", "k: auto", "k: 1");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.k", "'1' is not valid");
        }

        @Test
        void whenTheKRangeIsUpsideDown() throws IOException {
            edit("hub.yml", "k-range: [2, 8]", "k-range: [8, 2]");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.k-range", "[8, 2] is not valid", "2 <= lowest <= highest <= 20");
        }

        @Test
        void whenTheKRangeHasOneEnd() throws IOException {
            edit("hub.yml", "k-range: [2, 8]", "k-range: [3]");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.k-range", "[3] is not valid");
        }

        @Test
        void whenAFeatureIsUnknownListingTheKnownOnes() throws IOException {
            edit("hub.yml", "features: [recency, frequency, monetary", "features: [recency, shoe_size, monetary");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.features[1]", "'shoe_size' is not valid",
                    "recency, frequency, monetary, engagement, tenure");
        }

        @Test
        void whenAFeatureIsListedTwice() throws IOException {
            edit("hub.yml", "features: [recency, frequency, monetary", "features: [recency, frequency, recency");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.features[2]", "'recency' is listed twice");
        }

        @Test
        void whenNoFeatureIsListed() throws IOException {
            edit("hub.yml", CLUSTERING, "clustering: {features: []}");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.features", "needs at least one of recency");
        }

        @Test
        void whenTheClvRefitShareIsAboveOne() throws IOException {
            edit("hub.yml", "refit-when-changed-share: 0.01", "refit-when-changed-share: 1.5");
            assertFailure(failure(), "hub.yml", "hub.scoring.clv.refit-when-changed-share", "must be less than or equal to 1");
        }

        @Test
        void whenRestartsIsZero() throws IOException {
            edit("hub.yml", "seed: 42,", "seed: 42, restarts: 0,");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.restarts", "must be at least 1");
        }

        @Test
        void whenASurvivorshipRuleIsUnknown() throws IOException {
            edit("hub.yml", "source-priority: [erp, crm, social, web]", "source-priority: [erp, crm, social, web]\n    rules: {street: loudest}");
            ConfigException e = failure();
            assertThat(e.file().getFileName()).hasToString("hub.yml");
            assertThat(e.key()).startsWith("hub.survivorship.rules");
            assertThat(e.problem()).contains("must be one of source-priority, most-recent, most-frequent, most-complete, longest");
        }

        @Test
        void whenAClusteringKeyIsUnknown() throws IOException {
            edit("hub.yml", "seed: 42,", "sead: 42,");
            assertFailure(failure(), "hub.yml", "hub.scoring.clustering.sead", "unknown key 'sead'", "seed");
        }

        @Test
        void whenATagHasTheIdOfASegment() throws IOException {
            edit("segments.yml", "  - id: vip\n", "  - id: champions\n");
            assertFailure(failure(), "segments.yml", "tags[0].id", "'champions' is already a segment id");
        }

        @Test
        void whenTwoTagsShareAnId() throws IOException {
            edit("segments.yml", "  - id: churn-risk\n", "  - id: vip\n");
            assertFailure(failure(), "segments.yml", "tags[1].id", "'vip' is used twice");
        }

        @Test
        void whenATagNamesAnUndeclaredPurpose() throws IOException {
            edit("segments.yml", "    purpose: marketing_email\n    rule: \"orders >= 2", "    purpose: telepathy\n    rule: \"orders >= 2");
            assertFailure(failure(), "segments.yml", "tags[1].purpose", "unknown purpose 'telepathy'");
        }

        @Test
        void whenATagRuleIsNotValidCel() throws IOException {
            edit("segments.yml", "rule: \"orders >= 2 && p_alive", "rule: \"orders >= 'two' && p_alive");
            assertFailure(failure(), "segments.yml", "tags[1].rule", "not a valid CEL rule");
        }

        @Test
        void whenATagHasAHoldout() throws IOException {
            edit("segments.yml", "    rule: \"value_type == 'high_value' && rfm.frequency >= 4\"",
                    "    rule: \"value_type == 'high_value' && rfm.frequency >= 4\"\n    holdout: 0.1");
            assertFailure(failure(), "segments.yml", "tags[0].holdout", "unknown key 'holdout'");
        }

        @Test
        void whenADestinationNamesAnUnknownTag() throws IOException {
            edit("connectors.yml", "tags: [vip]", "tags: [vip, whales]");
            assertFailure(failure(), "connectors.yml", "destinations[1].tags[1]", "unknown tag 'whales'");
        }

        @Test
        void whenADestinationListsASegmentAsATag() throws IOException {
            edit("connectors.yml", "tags: [vip]", "tags: [champions]");
            assertFailure(failure(), "connectors.yml", "destinations[1].tags[0]", "unknown tag 'champions'", "it is a segment");
        }
    }

    @Test
    void placeholderDefaultsApplyWhenTheEnvironmentHasNoValue() {
        HubConfig config = load();

        assertThat(config.connector("erp-customers").jdbc().url()).isEqualTo("jdbc:h2:file:./data/erp");
        assertThat(config.connector("erp-customers").jdbc().password()).isEmpty();
    }

    @Test
    void placeholdersResolveFromTheEnvironment() {
        environment.setProperty("ERP_DB_URL", "jdbc:postgresql://erp.example.test/erp");
        environment.setProperty("ERP_DB_PASSWORD", "not-a-real-secret");

        HubConfig config = load();

        assertThat(config.connector("erp-customers").jdbc().url()).isEqualTo("jdbc:postgresql://erp.example.test/erp");
        assertThat(config.connector("erp-customers").jdbc().password()).isEqualTo("not-a-real-secret");
        assertThat(config.destination("erp-key-accounts").jdbc().url()).isEqualTo("jdbc:postgresql://erp.example.test/erp");
    }

    @Nested
    class FailsNamingFileKeyAndProblem {

        @Test
        void whenAPlaceholderWithoutDefaultIsNotSet() throws IOException {
            edit("connectors.yml", "password: ${ERP_DB_PASSWORD:}\n      init-script",
                    "password: ${ERP_SECRET_NOT_SET}\n      init-script");

            assertFailure(failure(), "connectors.yml", "connectors[2].jdbc.password", "not set", "ERP_SECRET_NOT_SET");
        }

        @Test
        void whenTheConfigFolderIsMissing() {
            Path missing = dir.resolve("no-such-folder");

            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(missing));

            assertThat(e.file()).isEqualTo(missing);
            assertThat(e.key()).isEmpty();
            assertThat(e.problem()).contains("config folder not found");
        }

        @Test
        void whenAFileIsMissing() throws IOException {
            Files.delete(dir.resolve("purposes.yml"));

            assertFailure(failure(), "purposes.yml", "", "file not found");
        }

        @Test
        void whenAFileIsNotValidYamlWithTheLineNumber() throws IOException {
            Files.writeString(dir.resolve("segments.yml"), """
                    segments:
                      - id: champions
                        purpose: marketing_email
                        rule: "rfm.segment == 'Champions'"
                       description: indented one space too little
                    """);

            assertFailure(failure(), "segments.yml", "", "not valid YAML at line 5,");
        }

        @Test
        void whenAKeyIsUnknownListingTheKnownKeys() throws IOException {
            edit("hub.yml", "default-region: CN", "default-regoin: CN");

            assertFailure(failure(), "hub.yml", "hub.default-regoin",
                    "unknown key 'default-regoin'", "known keys: default-region, personal-data, resolution, scoring, survivorship, tcf");
        }

        @Test
        void whenANestedKeyIsUnknownListingTheKnownKeysOfThatSection() throws IOException {
            edit("connectors.yml", "    file: {path: samples/crm/contacts.json, format: json}",
                    "    file: {path: samples/crm/contacts.json, format: json, encoding: utf-8}");

            assertFailure(failure(), "connectors.yml", "connectors[1].file.encoding",
                    "unknown key 'encoding'", "known keys: format, path, pattern");
        }

        @Test
        void whenANestedEnumValueIsUnknownListingTheAllowedValues() throws IOException {
            edit("connectors.yml", "format: json}", "format: xml}");

            assertFailure(failure(), "connectors.yml", "connectors[1].file.format", "'xml' is not valid", "expected one of csv, json, jsonl");
        }

        @Test
        void whenAnEnumValueIsUnknownListingTheAllowedValues() throws IOException {
            edit("connectors.yml", "  - id: crm\n    type: file", "  - id: crm\n    type: ftp");

            assertFailure(failure(), "connectors.yml", "connectors[1].type", "'ftp' is not valid", "expected one of file, jdbc");
        }

        @Test
        void whenALawfulBasisIsUnknownListingTheAllowedValues() throws IOException {
            edit("purposes.yml", "basis: contract", "basis: whim");

            assertFailure(failure(), "purposes.yml", "purposes[0].basis", "'whim' is not valid",
                    "expected one of consent, contract, legitimate_interest");
        }

        @Test
        void whenAConsentIsValidForLongerThanACentury() throws IOException {
            edit("purposes.yml", "consent-valid-days: 395", "consent-valid-days: 3000000");

            assertFailure(failure(), "purposes.yml", "purposes[2].consent-valid-days", "must be at most 36500");
        }

        @Test
        void whenBatchSizeIsZero() throws IOException {
            edit("connectors.yml", "  - id: crm\n    type: file\n", "  - id: crm\n    type: file\n    batch-size: 0\n");

            assertFailure(failure(), "connectors.yml", "connectors[1].batch-size", "must be greater than 0");
        }

        @Test
        void whenAConnectorIdBreaksThePattern() throws IOException {
            edit("connectors.yml", "  - id: crm\n", "  - id: Our CRM\n");

            assertFailure(failure(), "connectors.yml", "connectors[1].id", "must be lower-case letters, digits, - or _");
        }

        @Test
        void whenARegionIsNotAnIsoCode() throws IOException {
            edit("connectors.yml", "purpose: customer_account\n    region: CN\n    file:", "purpose: customer_account\n    region: china\n    file:");

            assertFailure(failure(), "connectors.yml", "connectors[1].region", "ISO 3166 alpha-2");
        }

        @Test
        void whenTheDefaultRegionIsNotAnIsoCode() throws IOException {
            edit("hub.yml", "default-region: CN", "default-region: china");

            assertFailure(failure(), "hub.yml", "hub.default-region", "ISO 3166 alpha-2");
        }

        @Test
        void whenAConnectorNamesAnUndeclaredPurpose() throws IOException {
            edit("connectors.yml", "purpose: customer_account\n    region: CN\n    file:", "purpose: newsletters\n    region: CN\n    file:");

            assertFailure(failure(), "connectors.yml", "connectors[1].purpose",
                    "unknown purpose 'newsletters'", "customer_account, profiling, analytics, marketing_email, marketing_sms");
        }

        @Test
        void whenAPersonConnectorHasNoPurpose() throws IOException {
            edit("connectors.yml", "    purpose: customer_account\n    region: CN\n    file:", "    region: CN\n    file:");

            assertFailure(failure(), "connectors.yml", "connectors[1].purpose", "must name the purpose");
        }

        @Test
        void whenAConnectorMapsConsentForAnUndeclaredPurpose() throws IOException {
            edit("connectors.yml", "marketing_email: email_opt_in", "push_notifications: push_opt_in");

            assertFailure(failure(), "connectors.yml", "connectors[1].mapping.consent.push_notifications",
                    "unknown purpose 'push_notifications'");
        }

        @Test
        void whenADestinationNamesAnUndeclaredPurpose() throws IOException {
            edit("connectors.yml", "    purpose: marketing_email\n    segments:", "    purpose: newsletters\n    segments:");

            assertFailure(failure(), "connectors.yml", "destinations[0].purpose", "unknown purpose 'newsletters'");
        }

        @Test
        void whenASegmentNamesAnUndeclaredPurpose() throws IOException {
            edit("segments.yml", "    purpose: profiling", "    purpose: newsletters");

            assertFailure(failure(), "segments.yml", "segments[3].purpose", "unknown purpose 'newsletters'");
        }

        @Test
        void whenAPurposeIsDeclaredTwice() throws IOException {
            edit("purposes.yml", "  - id: marketing_sms", "  - id: analytics");

            assertFailure(failure(), "purposes.yml", "purposes", "purpose 'analytics' is declared twice");
        }

        @Test
        void whenTwoConnectorsShareAnId() throws IOException {
            edit("connectors.yml", "  - id: social\n", "  - id: crm\n");

            assertFailure(failure(), "connectors.yml", "connectors[5].id", "'crm' is used twice");
        }

        @Test
        void whenADestinationNamesAnUnknownSegment() throws IOException {
            edit("connectors.yml", "segments: [champions, win-back, engaged-visitors]", "segments: [champions, win-back, vip]");

            assertFailure(failure(), "connectors.yml", "destinations[0].segments[2]", "unknown segment 'vip'");
        }

        @Test
        void whenADestinationSendsAnUnknownField() throws IOException {
            edit("connectors.yml", "fields: [golden_id, email, given_name]", "fields: [golden_id, email, shoe_size]");

            assertFailure(failure(), "connectors.yml", "destinations[0].fields[2]",
                    "unknown field 'shoe_size'", "golden_id, external_id, segment_id", "given_name");
        }

        @Test
        void whenACronIsNotQuartz() throws IOException {
            edit("hub.yml", "cron: \"0 0 2 * * ?\"", "cron: \"every night at two\"");

            assertFailure(failure(), "hub.yml", "syncs[0].cron", "'every night at two' is not a Quartz cron expression");
        }

        @Test
        void whenAMisfirePolicyIsUnknown() throws IOException {
            edit("hub.yml", "cron: \"0 0 2 * * ?\"", "cron: \"0 0 2 * * ?\"\n    misfire: later");

            assertFailure(failure(), "hub.yml", "syncs[0].misfire", "'later' is not valid", "expected one of run-once, skip");
        }

        @Test
        void whenASyncNamesAnUnknownConnector() throws IOException {
            edit("hub.yml", "cron: \"0 0 2 * * ?\"", "cron: \"0 0 2 * * ?\"\n    connectors: [crm, point-of-sale]");

            assertFailure(failure(), "hub.yml", "syncs[0].connectors[1]", "unknown connector 'point-of-sale'");
        }

        @Test
        void whenASyncNamesAnUnknownDestination() throws IOException {
            edit("hub.yml", "cron: \"0 0 2 * * ?\"", "cron: \"0 0 2 * * ?\"\n    destinations: [billboards]");

            assertFailure(failure(), "hub.yml", "syncs[0].destinations[0]", "unknown destination 'billboards'");
        }

        @Test
        void whenASegmentRuleIsNotValidCel() throws IOException {
            edit("segments.yml", "rule: \"rfm.segment in ['Champions', 'Loyal Customers']\"", "rule: \"rfm.segment in ['Champions'\"");

            assertFailure(failure(), "segments.yml", "segments[0].rule", "not a valid CEL rule");
        }

        @Test
        void whenPersonalDataNamesAnUnknownAttribute() throws IOException {
            edit("hub.yml", "postcode, birth_date]", "postcode, birth_date, shoe_size]");

            assertFailure(failure(), "hub.yml", "hub.personal-data[8]", "unknown attribute 'shoe_size'", "given_name", "birth_date");
        }

        @Test
        void whenAConsentConnectorMapsNeitherEmailNorPhone() throws IOException {
            edit("connectors.yml", "        email: email\n        phone: phone\n        purpose: purpose", "        purpose: purpose");

            assertFailure(failure(), "connectors.yml", "connectors[0].mapping.consent-event", "needs an email or a phone field");
        }

        @Test
        void whenAConsentConnectorHasNoConsentEventMapping() throws IOException {
            edit("connectors.yml", "    mapping:\n      consent-event:\n        email: email\n        phone: phone\n        purpose: purpose\n"
                    + "        status: status\n        occurred-at: occurred_at\n        evidence: evidence\n        source: source\n",
                    "    mapping:\n      id: consent_id\n");

            assertFailure(failure(), "connectors.yml", "connectors[0].mapping.consent-event", "needs a consent-event mapping");
        }

        @Test
        void whenAPersonConnectorHasNoIdMapping() throws IOException {
            edit("connectors.yml", "      id: contact_id\n", "");

            assertFailure(failure(), "connectors.yml", "connectors[1].mapping.id", "must name the field that holds the record's id");
        }

        @Test
        void whenAPersonConnectorMapsAnUnknownAttribute() throws IOException {
            edit("connectors.yml", "        city: city\n        country: country\n", "        town: city\n        country: country\n");

            assertFailure(failure(), "connectors.yml", "connectors[1].mapping.identity.town", "unknown attribute");
        }

        @Test
        void whenAFileConnectorHasNoFileSettings() throws IOException {
            edit("connectors.yml", "    file: {path: samples/crm/contacts.json, format: json}\n", "");

            assertFailure(failure(), "connectors.yml", "connectors[1].file", "a file connector needs file settings");
        }

        @Test
        void whenAJdbcConnectorHasNoQuery() throws IOException {
            edit("connectors.yml", "      query: SELECT * FROM orders WHERE updated_at >= :watermark ORDER BY updated_at\n", "");

            assertFailure(failure(), "connectors.yml", "connectors[3].jdbc.query", "must not be blank");
        }

        @Test
        void whenAFileDestinationHasNoFileSettings() throws IOException {
            edit("connectors.yml", "    file: {dir: \"${SEGMENT_HUB_OUT_DIR:data/out}/email-marketing\"}\n", "");

            assertFailure(failure(), "connectors.yml", "destinations[0].file", "a file destination needs file settings");
        }

        @Test
        void whenAnFxRateIsNotPositive() throws IOException {
            edit("hub.yml", "fx-rates: {USD: 7.10, GBP: 9.00}", "fx-rates: {USD: 7.10, GBP: 0}");

            assertFailure(failure(), "hub.yml", "hub.scoring.fx-rates.GBP", "positive rate");
        }

        @Test
        void whenTheHubSectionIsMissing() throws IOException {
            Files.writeString(dir.resolve("hub.yml"), "syncs: []\n");

            assertFailure(failure(), "hub.yml", "hub", "is required");
        }
    }

    @Test
    void anEmptySegmentsFileMeansNoSegmentsButDestinationsThatNameSegmentsFail() throws IOException {
        Files.writeString(dir.resolve("segments.yml"), "");

        assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class,
                e -> assertFailure(e, "connectors.yml", "destinations[0].segments[0]", "unknown segment 'champions'"));
    }
}
