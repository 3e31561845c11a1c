package io.segmenthub.profile;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Birth dates in ISO 8601 calendar-date form ({@code yyyy-MM-dd}), read from the layouts sources
 * actually use. Only layouts whose field order can be known are accepted: year-first layouts are
 * unambiguous, {@code dd.MM.yyyy} is day-first wherever it is used, and slash dates follow the
 * record's region (month first in the US, day first elsewhere) unless a number above 12 settles it.
 *
 * <p>From an ISO 8601 date-time only the date as written is taken, never converted to another
 * zone: a birth date is a calendar date, and sources that store it as local midnight would
 * otherwise be shifted to the day before.
 *
 * <p>Impossible dates, dates before 1900 and dates after today are flagged: they are typing
 * mistakes or placeholders ({@code 1800-01-01}, {@code 9999-12-31}), not birthdays.
 */
final class BirthDate {

    private static final int EARLIEST_YEAR = 1900;

    private static final Pattern YEAR_FIRST =
            Pattern.compile("(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})");
    private static final Pattern BASIC = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ]\\d{2}:\\d{2}(:\\d{2}([.,]\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHINESE = Pattern.compile("(\\d{4}) ?年 ?(\\d{1,2}) ?月 ?(\\d{1,2}) ?日");
    private static final Pattern DOTTED_DAY_FIRST = Pattern.compile("(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})");
    private static final Pattern SLASHED = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");

    private BirthDate() {
    }

    /**
     * @param monthFirst whether slash dates put the month first (the US convention)
     * @param today      the latest date a birth date may be
     */
    static Cleaned clean(String raw, boolean monthFirst, LocalDate today) {
        return parse(Text.tidy(raw), monthFirst)
                .filter(date -> date.getYear() >= EARLIEST_YEAR && !date.isAfter(today))
                .map(date -> Cleaned.valid(date.toString()))
                .orElseGet(() -> Cleaned.invalid(raw));
    }

    private static Optional<LocalDate> parse(String text, boolean monthFirst) {
        Matcher m;
        if ((m = YEAR_FIRST.matcher(text)).matches()) {
            return date(m.group(1), m.group(3), m.group(4));
        }
        if ((m = BASIC.matcher(text)).matches()
                || (m = DATE_TIME.matcher(text)).matches()
                || (m = CHINESE.matcher(text)).matches()) {
            return date(m.group(1), m.group(2), m.group(3));
        }
        if ((m = DOTTED_DAY_FIRST.matcher(text)).matches()) {
            return date(m.group(3), m.group(2), m.group(1));
        }
        if ((m = SLASHED.matcher(text)).matches()) {
            return slashed(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), monthFirst);
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> slashed(int first, int second, String year, boolean monthFirst) {
        boolean firstIsMonth;
        if (first > 12) {
            firstIsMonth = false;
        } else if (second > 12) {
            firstIsMonth = true;
        } else {
            firstIsMonth = monthFirst;
        }
        int month = firstIsMonth ? first : second;
        int day = firstIsMonth ? second : first;
        return date(year, Integer.toString(month), Integer.toString(day));
    }

    private static Optional<LocalDate> date(String year, String month, String day) {
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day)));
        } catch (DateTimeException impossible) {
            return Optional.empty();
        }
    }
}
