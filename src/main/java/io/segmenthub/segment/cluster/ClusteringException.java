package io.segmenthub.segment.cluster;

/** Clustering could not run on this population (too few profiles, too few distinct behaviours); the message says why. */
public class ClusteringException extends RuntimeException {

    public ClusteringException(String message) {
        super(message);
    }
}
