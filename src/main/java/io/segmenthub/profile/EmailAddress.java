package io.segmenthub.profile;

import java.util.Locale;

/**
 * E-mail addresses checked against a deliberate simplification of RFC 5322 section 3.4.1
 * ({@code addr-spec}), at most 254 characters (RFC 5321 section 4.5.3.1.3 allows a 256-octet path,
 * angle brackets included). Quoted local parts, comments and IP-literal domains are legal but are
 * not what customers type into sign-up forms; accepting them would let typing mistakes through, so
 * they are flagged instead. Domain labels may hold any Unicode letter, as internationalised domains
 * (RFC 5890) are written by people.
 *
 * <p>The whole address is lower-cased. RFC 5321 lets the local part be case-sensitive, but no
 * mainstream provider treats it so, and matching profiles needs one spelling per mailbox.
 */
final class EmailAddress {

    private static final int MAX_LENGTH = 254;
    private static final String ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";

    private EmailAddress() {
    }

    static Cleaned clean(String raw) {
        String address = Text.nfkc(raw).strip().toLowerCase(Locale.ROOT);
        return isWellFormed(address) ? Cleaned.valid(address) : Cleaned.invalid(raw);
    }

    private static boolean isWellFormed(String address) {
        int at = address.indexOf('@');
        if (address.length() > MAX_LENGTH || at <= 0 || at != address.lastIndexOf('@')
                || address.contains("..")) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return isDotAtom(local) && isDomain(domain);
    }

    /**
     * RFC 5322 section 3.2.3 {@code dot-atom}: atext characters, with dots only between them. Beyond
     * ASCII any character that is not a space or a control is allowed, as RFC 6531 does for
     * internationalised addresses. Quotes, parentheses (comments), commas and the like are flagged.
     */
    private static boolean isDotAtom(String local) {
        return !local.startsWith(".") && !local.endsWith(".")
                && local.codePoints().allMatch(c -> c < 0x80
                        ? Character.isLetterOrDigit(c) || c == '.' || ATEXT_SYMBOLS.indexOf(c) >= 0
                        : !Character.isWhitespace(c) && !Character.isSpaceChar(c) && !Character.isISOControl(c));
    }

    /** At least two labels: a bare host name is never a customer's public address. */
    private static boolean isDomain(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!isLabel(label)) {
                return false;
            }
        }
        String topLevel = labels[labels.length - 1];
        return topLevel.length() >= 2 && topLevel.codePoints().allMatch(Character::isLetter);
    }

    /** RFC 1035 section 2.3.1 "LDH" label, with IDN letters; no hyphen at either end. */
    private static boolean isLabel(String label) {
        return !label.isEmpty()
                && !label.startsWith("-") && !label.endsWith("-")
                && label.codePoints().allMatch(c -> c == '-' || Character.isLetterOrDigit(c));
    }
}
