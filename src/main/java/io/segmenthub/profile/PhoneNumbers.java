package io.segmenthub.profile;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers in ITU-T E.164 form ({@code +8613800138000}): one spelling per line whatever the
 * source's punctuation or national prefix, which is what matching and push destinations need.
 * Parsing and validity follow Google's libphonenumber metadata, so a number is valid only if it
 * falls in a range the numbering plan has allocated, not merely if it has the right length.
 */
final class PhoneNumbers {

    /** libphonenumber's code for "no region": only numbers written with a country code parse. */
    private static final String UNKNOWN_REGION = "ZZ";

    private final PhoneNumberUtil numbering = PhoneNumberUtil.getInstance();

    /**
     * @param region ISO 3166-1 alpha-2 code used for numbers written without a country code;
     *               blank when unknown
     */
    Cleaned clean(String raw, String region) {
        String text = Text.nfkc(raw).strip();
        try {
            PhoneNumber number = numbering.parse(text, region.isBlank() ? UNKNOWN_REGION : region);
            return numbering.isValidNumber(number)
                    ? Cleaned.valid(numbering.format(number, PhoneNumberFormat.E164))
                    : Cleaned.invalid(raw);
        } catch (NumberParseException notANumber) {
            return Cleaned.invalid(raw);
        }
    }
}
