package io.segmenthub.segment.cluster;

import java.util.Locale;

/**
 * A behaviour feature that profiles are clustered on, with the words that describe a cluster
 * whose centroid lies well below or well above the population on it. Counts and amounts are
 * heavy-tailed (a few customers buy a hundred times more than most), so they are clustered on
 * {@code log(1 + x)}: otherwise a handful of outliers would each get a cluster of their own and the
 * rest of the population would share one.
 */
public enum ClusterFeature {
    RECENCY("days since the last purchase", false, "recent", "lapsed"),
    FREQUENCY("orders", true, "infrequent", "frequent"),
    MONETARY("revenue in the scoring currency", true, "low spend", "high spend"),
    ENGAGEMENT("engagement events", true, "unengaged", "engaged"),
    TENURE("days since the first purchase", false, "new", "long-standing");

    private final String meaning;
    private final boolean logScale;
    private final String lowWord;
    private final String highWord;

    ClusterFeature(String meaning, boolean logScale, String lowWord, String highWord) {
        this.meaning = meaning;
        this.logScale = logScale;
        this.lowWord = lowWord;
        this.highWord = highWord;
    }

    /** The name used in {@code hub.yml} and in reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String meaning() {
        return meaning;
    }

    /** The value the clusterer sees before standardising: {@code log(1 + x)} for counts and amounts. */
    double transform(double value) {
        return logScale ? Math.log1p(Math.max(0, value)) : value;
    }

    /** The word for a centroid below the population ({@code low}) or above it. */
    String word(boolean low) {
        return low ? lowWord : highWord;
    }

    @Override
    public String toString() {
        return key();
    }
}
