package io.segmenthub.profile;

import static io.segmenthub.profile.Attribute.BIRTH_DATE;
import static io.segmenthub.profile.Attribute.CITY;
import static io.segmenthub.profile.Attribute.COUNTRY;
import static io.segmenthub.profile.Attribute.EMAIL;
import static io.segmenthub.profile.Attribute.FAMILY_NAME;
import static io.segmenthub.profile.Attribute.FULL_NAME;
import static io.segmenthub.profile.Attribute.GIVEN_NAME;
import static io.segmenthub.profile.Attribute.PHONE;
import static io.segmenthub.profile.Attribute.POSTCODE;
import static io.segmenthub.profile.Attribute.STREET;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** All names, addresses and numbers below are made up or reserved for fiction and examples. */
class IdentityCleanerTest {

    /** "Today" for every test: 2024-06-15. */
    private static final Clock TODAY = Clock.fixed(Instant.parse("2024-06-15T10:00:00Z"), ZoneOffset.UTC);

    private final IdentityCleaner cleaner = new IdentityCleaner(TODAY);

    private CleanIdentity clean(Attribute attribute, String value, String defaultRegion) {
        return cleaner.clean(Map.of(attribute, value), defaultRegion);
    }

    private CleanIdentity clean(Attribute attribute, String value) {
        return clean(attribute, value, "CN");
    }

    /** Asserts the value passed and was normalised to {@code expected}. */
    private static void assertValid(CleanIdentity identity, Attribute attribute, String expected) {
        assertThat(identity.invalid()).doesNotContain(attribute);
        assertThat(identity.valid(attribute)).contains(expected);
    }

    /** Asserts the value was flagged and kept as given apart from surrounding whitespace. */
    private static void assertInvalid(CleanIdentity identity, Attribute attribute, String asGiven) {
        assertThat(identity.invalid()).contains(attribute);
        assertThat(identity.valid(attribute)).isEmpty();
        assertThat(identity.get(attribute)).contains(asGiven.strip());
    }

    @Nested
    class AbsentValues {

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "\t\n", "\u3000", "\u00a0"})
        void blankValueIsTreatedAsAbsent(String blank) {
            CleanIdentity identity = clean(EMAIL, blank);

            assertThat(identity.isEmpty()).isTrue();
            assertThat(identity.invalid()).isEmpty();
        }

        @Test
        void nullValueIsTreatedAsAbsent() {
            Map<Attribute, String> raw = new HashMap<>();
            raw.put(CITY, null);
            raw.put(STREET, "1 Example Lane");

            CleanIdentity identity = cleaner.clean(raw, "GB");

            assertThat(identity.values()).containsOnlyKeys(STREET);
        }

        @Test
        void emptyRecordGivesEmptyIdentity() {
            assertThat(cleaner.clean(Map.of(), "CN").isEmpty()).isTrue();
        }

        @Test
        void fullNameIsNotInventedFromGivenAndFamilyNames() {
            CleanIdentity identity = cleaner.clean(Map.of(GIVEN_NAME, "wei", FAMILY_NAME, "zhang"), "CN");

            assertThat(identity.values()).containsOnlyKeys(GIVEN_NAME, FAMILY_NAME);
            assertThat(identity.get(FULL_NAME)).isEmpty();
        }

        @Test
        void cleanerWithSystemClockAcceptsAPastBirthDate() {
            CleanIdentity identity = new IdentityCleaner().clean(Map.of(BIRTH_DATE, "1990-05-17"), null);

            assertValid(identity, BIRTH_DATE, "1990-05-17");
        }
    }

    @Nested
    class Email {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "'  Wei.Zhang@Example.COM  ' | wei.zhang@example.com",
                "li.na+news@mail.example.cn  | li.na+news@mail.example.cn",
                "ｍａｒｙ＠ｅｘａｍｐｌｅ．ｏｒｇ | mary@example.org",
                "Kunde@Bücher.example.DE     | kunde@bücher.example.de",
                "用户@例子.中国               | 用户@例子.中国",
                "o'hara@sub-domain.example.io | o'hara@sub-domain.example.io"
        })
        void wellFormedAddressIsNormalised(String raw, String expected) {
            assertValid(clean(EMAIL, raw), EMAIL, expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "no-at-sign.example.com",
                "two@@example.com",
                "a@b@example.com",
                "@example.com",
                "john smith@example.com",
                "john@example..com",
                "john..smith@example.com",
                "john@example",
                "john@example.c",
                "john@example.123",
                "john@-example.com",
                "john@example-.com",
                "john@exa_mple.com",
                "john@.example.com",
                "john@example.com.",
                "john@",
                "\"john\"@example.com",
                "john(comment)@example.com",
                "john,smith@example.com",
                "john;drop@example.com",
                ".john@example.com",
                "john.@example.com",
                "=HYPERLINK(\"x\")@example.com"
        })
        void malformedAddressIsFlagged(String raw) {
            assertInvalid(clean(EMAIL, raw), EMAIL, raw);
        }

        @Test
        void flaggedAddressIsKeptAsGivenNotLowerCased() {
            assertInvalid(clean(EMAIL, "  John@@Example.com "), EMAIL, "John@@Example.com");
        }

        @Test
        void addressOf254CharactersIsAccepted() {
            String address = "a".repeat(64) + "@" + "b".repeat(185) + ".com";

            assertThat(address).hasSize(254);
            assertValid(clean(EMAIL, address), EMAIL, address);
        }

        @Test
        void addressOf255CharactersIsFlagged() {
            String address = "a".repeat(65) + "@" + "b".repeat(185) + ".com";

            assertThat(address).hasSize(255);
            assertInvalid(clean(EMAIL, address), EMAIL, address);
        }
    }

    @Nested
    class Phone {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "+86 138-0013-8000         | CN | +8613800138000",
                "138 0013 8000             | CN | +8613800138000",
                "13800138000               | CN | +8613800138000",
                "＋８６ １３８ ００１３ ８０００ | US | +8613800138000",
                "１３８００１３８０００        | CN | +8613800138000",
                "(0)20 7946 0958           | GB | +442079460958",
                "+44 (0)20 7946 0958       | US | +442079460958",
                "020 7946 0958             | gb | +442079460958",
                "(201) 555-0123            | US | +12015550123",
                "030 123456                | DE | +4930123456"
        })
        void validNumberIsWrittenInE164(String raw, String region, String expected) {
            assertValid(clean(PHONE, raw, region), PHONE, expected);
        }

        @Test
        void recordCountryIsUsedInsteadOfDefaultRegion() {
            CleanIdentity identity = cleaner.clean(Map.of(PHONE, "138 0013 8000", COUNTRY, "中国"), "US");

            assertValid(identity, PHONE, "+8613800138000");
        }

        @Test
        void invalidRecordCountryFallsBackToDefaultRegion() {
            CleanIdentity identity = cleaner.clean(Map.of(PHONE, "(201) 555-0123", COUNTRY, "Atlantis"), "US");

            assertValid(identity, PHONE, "+12015550123");
            assertThat(identity.invalid()).containsExactly(COUNTRY);
        }

        @Test
        void numberWithCountryCodeIgnoresRegion() {
            assertValid(clean(PHONE, "+49 30 123456", "CN"), PHONE, "+4930123456");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "12345               | CN",
                "not a number        | CN",
                "+86 138 0013        | CN",
                "+1 100 555 0123     | US",
                "+999 1234 5678      | CN"
        })
        void numberOutsideTheNumberingPlanIsFlagged(String raw, String region) {
            assertInvalid(clean(PHONE, raw, region), PHONE, raw);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  "})
        void nationalNumberWithoutAnyRegionIsFlagged(String noRegion) {
            assertInvalid(clean(PHONE, "138 0013 8000", noRegion), PHONE, "138 0013 8000");
        }

        @Test
        void nationalNumberWithNullRegionIsFlagged() {
            assertInvalid(clean(PHONE, " 138 0013 8000 ", null), PHONE, "138 0013 8000");
        }
    }

    @Nested
    class Names {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "o'brien          | O'Brien",
                "MARY-JANE        | Mary-Jane",
                "'  JOHN   SMITH '| John Smith",
                "d’arcy           | D’Arcy",
                "josé             | José",
                "ÉLODIE           | Élodie",
                "ＪＯＨＮ          | John",
                "j.               | J."
        })
        void latinNameInOneCaseIsTitleCased(String raw, String expected) {
            assertValid(clean(GIVEN_NAME, raw), GIVEN_NAME, expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {"McDonald", "van der Berg", "DeShawn", "MacLeod-Smith", "O'Neil"})
        void mixedCaseNameIsKept(String raw) {
            assertValid(clean(FAMILY_NAME, raw), FAMILY_NAME, raw);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "张 伟        | 张伟",
                "张伟         | 张伟",
                "欧阳　娜娜    | 欧阳娜娜",
                "' 王  小 明 '| 王小明",
                "李 Lei       | 李 Lei"
        })
        void hanNameIsKeptWholeWithoutSpacesBetweenHanCharacters(String raw, String expected) {
            assertValid(clean(FULL_NAME, raw), FULL_NAME, expected);
        }

        @Test
        void nonLatinScriptIsNotRecased() {
            assertValid(clean(FULL_NAME, "ΝΙΚΟΣ"), FULL_NAME, "ΝΙΚΟΣ");
        }

        @ParameterizedTest
        @EnumSource(value = Attribute.class, names = {"GIVEN_NAME", "FAMILY_NAME", "FULL_NAME"})
        void everyNameAttributeIsCleanedAlike(Attribute attribute) {
            assertValid(clean(attribute, "  ANNA  LEE "), attribute, "Anna Lee");
            assertInvalid(clean(attribute, "Anna 2"), attribute, "Anna 2");
        }

        @ParameterizedTest
        @ValueSource(strings = {"J0hn", "Mary 2", "３", "---", "...", "？！", "'-'"})
        void nameWithDigitsOrOnlyPunctuationIsFlagged(String raw) {
            assertInvalid(clean(GIVEN_NAME, raw), GIVEN_NAME, raw);
        }

        @Test
        void flaggedNameIsKeptAsGiven() {
            assertInvalid(clean(GIVEN_NAME, "  j0HN  smith "), GIVEN_NAME, "j0HN  smith");
        }
    }

    @Nested
    class BirthDates {

        @ParameterizedTest
        @ValueSource(strings = {
                "1990-05-17",
                "1990-5-17",
                "19900517",
                "1990/05/17",
                "1990.05.17",
                "17.05.1990",
                "17.5.1990",
                "1990年5月17日",
                "1990年05月17日",
                "１９９０－０５－１７",
                "１９９０年５月１７日",
                "1990-05-17T00:00:00Z",
                "1990-05-17T23:30:00-05:00",
                "1990-05-17T08:00:00.000+08:00",
                "1990-05-17 08:00",
                "  1990-05-17  "
        })
        void acceptedLayoutIsWrittenInIso8601(String raw) {
            assertValid(clean(BIRTH_DATE, raw, "DE"), BIRTH_DATE, "1990-05-17");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "05/04/1990 | US | 1990-05-04",
                "05/04/1990 | us | 1990-05-04",
                "05/04/1990 | GB | 1990-04-05",
                "05/04/1990 | CN | 1990-04-05",
                "05/04/1990 |    | 1990-04-05",
                "5/4/1990   | US | 1990-05-04",
                "5/4/1990   | DE | 1990-04-05",
                "17/05/1990 | US | 1990-05-17",
                "05/17/1990 | DE | 1990-05-17",
                "05/17/1990 | US | 1990-05-17",
                "17/05/1990 | FR | 1990-05-17"
        })
        void slashDateIsMonthFirstOnlyInUsUnlessANumberAbove12DecidesIt(String raw, String region, String expected) {
            assertValid(clean(BIRTH_DATE, raw, region), BIRTH_DATE, expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "1990-02-30",
                "2023-02-29",
                "1990-13-01",
                "1990-00-10",
                "32.01.1990",
                "13/13/1990",
                "31/04/1990",
                "1899-12-31",
                "0001-01-01",
                "2024-06-16",
                "9999-12-31",
                "17-05-1990",
                "90-05-17",
                "1990-05/17",
                "yesterday",
                "1990-05-17T25"
        })
        void impossibleOrImplausibleDateIsFlagged(String raw) {
            assertInvalid(clean(BIRTH_DATE, raw, "DE"), BIRTH_DATE, raw);
        }

        @ParameterizedTest
        @CsvSource({"1900-01-01", "2024-06-15", "2024-02-29"})
        void boundaryDateIsAccepted(String raw) {
            assertValid(clean(BIRTH_DATE, raw), BIRTH_DATE, raw);
        }

        @Test
        void dateTimeKeepsTheDateAsWrittenInsteadOfConvertingToUtc() {
            assertValid(clean(BIRTH_DATE, "1990-05-17T00:30:00+08:00"), BIRTH_DATE, "1990-05-17");
        }
    }

    @Nested
    class Countries {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "CN                       | CN",
                "cn                       | CN",
                "ＣＮ                      | CN",
                "chn                      | CN",
                "China                    | CN",
                "'  china  '              | CN",
                "中国                     | CN",
                "PRC                      | CN",
                "中华人民共和国            | CN",
                "中国大陆                  | CN",
                "香港                     | HK",
                "Hong Kong                | HK",
                "中国香港特别行政区         | HK",
                "台湾                     | TW",
                "美国                     | US",
                "USA                      | US",
                "U.S.A.                   | US",
                "United States            | US",
                "United States of America | US",
                "america                  | US",
                "UK                       | GB",
                "gbr                      | GB",
                "United Kingdom           | GB",
                "英国                     | GB",
                "Deutschland              | DE",
                "Germany                  | DE",
                "德国                     | DE",
                "日本                     | JP",
                "Côte d’Ivoire            | CI",
                "cote d'ivoire            | CI",
                "St. Lucia                | LC"
        })
        void knownCodeOrNameIsWrittenAsAlpha2(String raw, String expected) {
            assertValid(clean(COUNTRY, raw), COUNTRY, expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Atlantis", "XX", "EU", "ZZZ", "12", "Middle Earth", "Chin"})
        void unknownCountryIsFlagged(String raw) {
            assertInvalid(clean(COUNTRY, raw), COUNTRY, raw);
        }
    }

    @Nested
    class Postcodes {

        private CleanIdentity clean(String country, String postcode) {
            return cleaner.clean(Map.of(COUNTRY, country, POSTCODE, postcode), "CN");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "CN      | 100000      | 100000",
                "中国    | １０００００  | 100000",
                "US      | 90210       | 90210",
                "USA     | 90210-1234  | 90210-1234",
                "GB      | sw1a1aa     | SW1A 1AA",
                "UK      | ec1a  1bb   | EC1A 1BB",
                "英国    | W1A 0AX     | W1A 0AX",
                "GB      | m1 1ae      | M1 1AE",
                "GB      | B33 8TH     | B33 8TH",
                "GB      | CR2 6XH     | CR2 6XH",
                "GB      | DN551PT     | DN55 1PT",
                "GB      | GIR 0AA     | GIR 0AA",
                "DE      | 10115       | 10115",
                "France  | 75001       | 75001",
                "AU      | 2000        | 2000",
                "JP      | 100-0001    | 100-0001",
                "日本    | 1000001     | 100-0001",
                "NL      | 1012 ab     | 1012 AB",
                "NL      | '1012   AB' | 1012 AB",
                "CA      | k1a 0b1     | K1A 0B1",
                "Atlantis| sw1a1aa     | SW1A1AA"
        })
        void postcodeMatchingTheCountryFormatIsNormalised(String country, String raw, String expected) {
            assertValid(clean(country, raw), POSTCODE, expected);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "CN | 10000",
                "CN | 100 000",
                "US | 9021",
                "US | 90210-12",
                "US | 902101234",
                "GB | QQ1 1AA",
                "GB | SW1A 1AC",
                "GB | 12345",
                "DE | 1011",
                "FR | 7500A",
                "AU | 20000",
                "JP | 100-001",
                "NL | 1012_AB",
                "NL | A",
                "NL | 12345678901",
                "NL | -1012"
        })
        void postcodeNotMatchingTheCountryFormatIsFlagged(String country, String raw) {
            assertInvalid(clean(country, raw), POSTCODE, raw);
        }

        @Test
        void postcodeWithoutCountryGetsGeneralCheckOnly() {
            assertValid(IdentityCleanerTest.this.clean(POSTCODE, " 75001 "), POSTCODE, "75001");
            assertInvalid(IdentityCleanerTest.this.clean(POSTCODE, "75#01"), POSTCODE, "75#01");
        }
    }

    @Nested
    class StreetAndCity {

        @ParameterizedTest
        @EnumSource(value = Attribute.class, names = {"STREET", "CITY"})
        void whitespaceIsTidiedAndCaseIsKept(Attribute attribute) {
            assertValid(clean(attribute, "  12   Example\tRoad  "), attribute, "12 Example Road");
            assertValid(clean(attribute, "ＢＥＲＬＩＮ"), attribute, "BERLIN");
            assertValid(clean(attribute, "北京市　朝阳区"), attribute, "北京市 朝阳区");
        }
    }

    @Test
    void wholeRecordIsCleanedAttributeByAttribute() {
        Map<Attribute, String> raw = Map.of(
                FULL_NAME, "张 伟",
                EMAIL, " Zhang.Wei@Example.CN ",
                PHONE, "138 0013 8000",
                COUNTRY, "中华人民共和国",
                POSTCODE, "１０００２０",
                CITY, "北京",
                BIRTH_DATE, "1988年3月9日");

        CleanIdentity identity = cleaner.clean(raw, "US");

        assertThat(identity.invalid()).isEmpty();
        assertThat(identity.values()).containsExactlyInAnyOrderEntriesOf(Map.of(
                FULL_NAME, "张伟",
                EMAIL, "zhang.wei@example.cn",
                PHONE, "+8613800138000",
                COUNTRY, "CN",
                POSTCODE, "100020",
                CITY, "北京",
                BIRTH_DATE, "1988-03-09"));
    }

    /** Controls, bidi overrides (CVE-2021-42574, "Trojan Source"), direction marks, zero-width spaces and BOMs. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Ada\u202Eecalevol|Adaecalevol",
            "A\u0000da\u0007|Ada",
            "\u2067Ada\u2069 Lovelace|Ada Lovelace",
            "张\u200B伟|张伟",
            "\uFEFFAda\u200E|Ada",
            "Ada\tLovelace|Ada Lovelace"})
    void invisibleCharactersAreStrippedFromNames(String raw, String expected) {
        String unescaped = org.apache.commons.text.StringEscapeUtils.unescapeJava(raw);

        CleanIdentity cleaned = clean(GIVEN_NAME, unescaped);

        assertThat(cleaned.valid(GIVEN_NAME)).contains(expected);
    }

    @Test
    void zeroWidthJoinersThatScriptsAndEmojiNeedAreKept() {
        assertThat(clean(GIVEN_NAME, "\u0645\u200C\u0631\u06CC\u0645").valid(GIVEN_NAME)).contains("\u0645\u200C\u0631\u06CC\u0645");
    }

    @Test
    void anInvalidNameIsFlaggedAndKeptAsGiven() {
        CleanIdentity cleaned = clean(GIVEN_NAME, "\u202E1\u202C");

        assertThat(cleaned.invalid()).contains(GIVEN_NAME);
        assertThat(cleaned.get(GIVEN_NAME)).contains("\u202E1\u202C");
    }
}
