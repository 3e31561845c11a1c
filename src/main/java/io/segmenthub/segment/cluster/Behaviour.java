package io.segmenthub.segment.cluster;

import java.util.Objects;

/**
 * One golden profile's behaviour as the clusterer sees it, in original units. Only profiles that
 * have purchased have one: recency and tenure are undefined without a purchase.
 *
 * @param recencyDays days from the last purchase to the as-of day
 * @param frequency   orders
 * @param monetary    revenue in the scoring currency
 * @param engagement  engagement events (web visits, clicks)
 * @param tenureDays  days from the first purchase to the as-of day
 */
public record Behaviour(String goldenId, double recencyDays, double frequency, double monetary, double engagement, double tenureDays) {

    public Behaviour {
        Objects.requireNonNull(goldenId, "goldenId");
    }

    public double value(ClusterFeature feature) {
        return switch (feature) {
            case RECENCY -> recencyDays;
            case FREQUENCY -> frequency;
            case MONETARY -> monetary;
            case ENGAGEMENT -> engagement;
            case TENURE -> tenureDays;
        };
    }
}
