package io.segmenthub.connector.salesforce;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The org's API requests used today out of its daily allocation, as Salesforce reports it on
 * every REST response in {@code Sforce-Limit-Info: api-usage=N/M}.
 */
public record ApiUsage(long used, long allocation) {

    private static final Pattern API_USAGE = Pattern.compile("(?<![-\\w])api-usage=(\\d+)/(\\d+)"); // not per-app-api-usage

    public static Optional<ApiUsage> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = API_USAGE.matcher(header);
        if (!m.find()) {
            return Optional.empty();
        }
        long max = Long.parseLong(m.group(2));
        return max <= 0 ? Optional.empty() : Optional.of(new ApiUsage(Long.parseLong(m.group(1)), max));
    }

    public double share() {
        return (double) used / allocation;
    }

    @Override
    public String toString() {
        return used + "/" + allocation + String.format(java.util.Locale.ROOT, " (%.0f %%)", share() * 100);
    }
}
