package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The cleaner over arbitrary Unicode: it never throws, every value it is given comes back either
 * valid in its normal form or flagged as given (trimmed), and cleaning a cleaned e-mail or phone
 * changes nothing, so a value read back from the store and cleaned again still matches.
 */
class IdentityCleanerPropertiesTest {

    static final IdentityCleaner CLEANER = new IdentityCleaner(Clock.fixed(Instant.parse("2026-03-01T08:00:00Z"), ZoneOffset.UTC));

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(40), // unpaired surrogates included
                Arbitraries.strings().withChars(" \t\r\n\u00A0\u3000\u200B\uFEFF\u202E@.+-()0123456789aZé张😀").ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> emails() {
        Arbitrary<String> part = Arbitraries.strings()
                .withChars("abcXYZ019._-+'éßİıÅﬀＡ＠．张😀 \u00A0\u200B")
                .ofMinLength(0).ofMaxLength(15);
        Arbitrary<String> tld = Arbitraries.of("org", "com", "ORG", "中国", "ｃｏｍ", "c", "co1", "");
        return Combinators.combine(part, Arbitraries.of("@", "@@", "＠", ""), part, Arbitraries.of(".", "..", "．"), tld)
                .as((local, at, domain, dot, top) -> local + at + domain + dot + top);
    }

    @Provide
    Arbitrary<String> phones() {
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789０１２３٣ -().+/x").ofMinLength(0).ofMaxLength(20);
        return Combinators.combine(Arbitraries.of("", "+", "+44", "+86 ", "00", "0", "(0)", "tel:"), digits).as(String::concat);
    }

    @Provide
    Arbitrary<String> regions() {
        return Arbitraries.of("", "GB", "us", "CN", "DE", "ZZ", "001", "not a region", " gb ");
    }

    @Property(tries = 300)
    void neverThrowsAndFlagsWhatItCannotNormalise(@ForAll("anyText") String value, @ForAll Attribute attribute,
                                                  @ForAll("regions") String region) {
        Map<Attribute, String> raw = new EnumMap<>(Attribute.class);
        raw.put(attribute, value);
        raw.put(Attribute.COUNTRY, value);

        CleanIdentity clean = CLEANER.clean(raw, region);

        assertValueOrFlag(clean, attribute, value);
        assertValueOrFlag(clean, Attribute.COUNTRY, value);
    }

    @Property(tries = 300)
    void everyAttributeOfARecordIsCleanedOrFlaggedNeverDropped(@ForAll("emails") String email, @ForAll("phones") String phone,
                                                               @ForAll("anyText") String name, @ForAll("anyText") String birthDate,
                                                               @ForAll("regions") String region) {
        Map<Attribute, String> raw = new EnumMap<>(Attribute.class);
        raw.put(Attribute.EMAIL, email);
        raw.put(Attribute.PHONE, phone);
        raw.put(Attribute.GIVEN_NAME, name);
        raw.put(Attribute.FULL_NAME, name);
        raw.put(Attribute.BIRTH_DATE, birthDate);
        raw.put(Attribute.POSTCODE, phone);

        CleanIdentity clean = CLEANER.clean(raw, region);

        raw.forEach((attribute, value) -> assertValueOrFlag(clean, attribute, value));
    }

    @Property(tries = 300)
    void aValidEmailIsLowerCaseWithOneAtAndNoSpace(@ForAll("emails") String email) {
        CLEANER.clean(Map.of(Attribute.EMAIL, email), "GB").valid(Attribute.EMAIL).ifPresent(valid -> {
            assertThat(valid).isEqualTo(valid.toLowerCase(java.util.Locale.ROOT));
            assertThat(valid.chars().filter(c -> c == '@').count()).isEqualTo(1);
            assertThat(valid.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))).isTrue();
            assertThat(valid.length()).isLessThanOrEqualTo(254);
        });
    }

    /**
     * E.164 caps numbers at 15 digits, but libphonenumber's metadata accepts longer German numbers
     * (a PBX extension dialled straight through, {@code +4920100000000000}), so up to 17 are allowed here.
     */
    @Property(tries = 300)
    void aValidPhoneIsPlusAndDigitsOnly(@ForAll("phones") String phone, @ForAll("regions") String region) {
        CLEANER.clean(Map.of(Attribute.PHONE, phone), region).valid(Attribute.PHONE)
                .ifPresent(valid -> assertThat(valid).matches("\\+[1-9][0-9]{6,16}"));
    }

    @Property(tries = 300)
    void cleaningAnEmailTwiceEqualsCleaningItOnce(@ForAll("emails") String email) {
        assertIdempotent(Attribute.EMAIL, email, "GB");
    }

    @Property(tries = 200)
    void cleaningAnyTextAsAnEmailTwiceEqualsCleaningItOnce(@ForAll("anyText") String email) {
        assertIdempotent(Attribute.EMAIL, email, "GB");
    }

    @Property(tries = 300)
    void cleaningAPhoneTwiceEqualsCleaningItOnce(@ForAll("phones") String phone, @ForAll("regions") String region) {
        assertIdempotent(Attribute.PHONE, phone, region);
    }

    @Property(tries = 200)
    void cleaningAnyTextAsAPhoneTwiceEqualsCleaningItOnce(@ForAll("anyText") String phone, @ForAll("regions") String region) {
        assertIdempotent(Attribute.PHONE, phone, region);
    }

    @Example
    void impossibleEmailsAreFlaggedAsGiven() {
        for (String email : List.of("ada@example", "ada@@example.org", "ada@example..org", "ada lovelace@example.org",
                "ada@😀.org", "=HYPERLINK(\"x\")@example.org", "'; DROP TABLE x;--@example.org", "a".repeat(250) + "@x.org")) {
            CleanIdentity clean = CLEANER.clean(Map.of(Attribute.EMAIL, email), "GB");
            assertThat(clean.invalid()).as(email).containsExactly(Attribute.EMAIL);
            assertThat(clean.get(Attribute.EMAIL)).contains(email);
        }
    }

    @Example
    void impossiblePhonesAreFlaggedAsGiven() {
        for (String phone : List.of("123", "+44 20 7", "+999 1234 5678", "0000000000", "+1 (555) 😀", "13800138000 OR 1=1",
                "+86 138 0013 8000 0000 0000")) {
            CleanIdentity clean = CLEANER.clean(Map.of(Attribute.PHONE, phone), "GB");
            assertThat(clean.invalid()).as(phone).containsExactly(Attribute.PHONE);
        }
    }

    @Example
    void impossibleBirthDatesAreFlaggedAsGiven() {
        for (String date : List.of("2026-02-30", "1899-12-31", "9999-12-31", "31/02/1990", "2027-01-01", "1990-13-01", "yesterday")) {
            CleanIdentity clean = CLEANER.clean(Map.of(Attribute.BIRTH_DATE, date), "GB");
            assertThat(clean.invalid()).as(date).containsExactly(Attribute.BIRTH_DATE);
            assertThat(clean.get(Attribute.BIRTH_DATE)).contains(date);
        }
    }

    @Example
    void namesInOtherScriptsAndWithEmojiAreKeptAsWritten() {
        assertThat(CLEANER.clean(Map.of(Attribute.GIVEN_NAME, "محمد"), "GB").valid(Attribute.GIVEN_NAME)).contains("محمد");
        assertThat(CLEANER.clean(Map.of(Attribute.GIVEN_NAME, "Zoë 😀"), "GB").valid(Attribute.GIVEN_NAME)).contains("Zoë 😀");
        assertThat(CLEANER.clean(Map.of(Attribute.GIVEN_NAME, "😀😀"), "GB").invalid()).as("no letters").contains(Attribute.GIVEN_NAME);
    }

    private static void assertIdempotent(Attribute attribute, String raw, String region) {
        CleanIdentity once = CLEANER.clean(Map.of(attribute, raw), region);
        if (once.get(attribute).isEmpty()) {
            return; // blank: absent, nothing to clean again
        }
        CleanIdentity twice = CLEANER.clean(Map.of(attribute, once.get(attribute).get()), region);

        assertThat(twice.get(attribute)).isEqualTo(once.get(attribute));
        assertThat(twice.invalid()).isEqualTo(once.invalid());
    }

    private static void assertValueOrFlag(CleanIdentity clean, Attribute attribute, String raw) {
        if (Text.isBlank(raw)) {
            assertThat(clean.get(attribute)).as("blank %s counts as absent", attribute).isEmpty();
            return;
        }
        assertThat(clean.get(attribute)).as("%s is kept, cleaned or flagged", attribute).isPresent();
        if (clean.invalid().contains(attribute)) {
            assertThat(clean.get(attribute)).as("flagged %s is kept as given", attribute).contains(raw.strip());
        } else {
            assertThat(clean.get(attribute).get()).as("valid %s is not blank", attribute).isNotBlank();
        }
    }
}
