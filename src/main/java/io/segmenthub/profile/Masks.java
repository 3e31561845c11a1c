package io.segmenthub.profile;

/**
 * How personal data looks where it is shown without being revealed: enough to tell two people
 * apart on a screen, not enough to contact or identify them. E-mail keeps the first character of
 * the local part and the top-level domain, a phone its last two digits, a name its initial, a
 * postcode its first two characters, a birth date its year; everything else is hidden.
 */
public final class Masks {

    private static final String HIDDEN = "•••";

    private Masks() {
    }

    public static String mask(Attribute attribute, String value) {
        if (value == null || value.isBlank()) {
            return value;
        }
        String v = value.strip();
        return switch (attribute) {
            case EMAIL -> email(v);
            case PHONE -> {
                String digits = v.replaceAll("\\D", "");
                yield digits.length() <= 2 ? HIDDEN : HIDDEN + digits.substring(digits.length() - 2);
            }
            case GIVEN_NAME, FAMILY_NAME, FULL_NAME -> v.substring(0, v.offsetByCodePoints(0, 1)) + HIDDEN;
            case POSTCODE -> v.length() <= 2 ? HIDDEN : v.substring(0, 2) + HIDDEN;
            case BIRTH_DATE -> v.length() >= 4 ? v.substring(0, 4) + "-••-••" : HIDDEN;
            case COUNTRY -> v;
            case STREET, CITY -> HIDDEN;
        };
    }

    private static String email(String v) {
        int at = v.lastIndexOf('@');
        if (at <= 0) {
            return HIDDEN;
        }
        int dot = v.lastIndexOf('.');
        String tld = dot > at ? v.substring(dot) : "";
        return v.charAt(0) + HIDDEN + "@" + HIDDEN + tld;
    }
}
