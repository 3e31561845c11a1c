package io.segmenthub.segment.cluster;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The clustering stage of a run (after scoring, before segments, so rules can use
 * {@code cluster}): clusters the profiles that have purchased by behaviour, keeps the clusters
 * with the run and sets each profile's cluster. Profiles that never purchased have no recency or
 * tenure and are left out (their cluster is {@code none} in rules); the report says how many.
 * Does nothing unless {@code hub.scoring.clustering} is configured.
 */
@Component
public class BehaviourClustering {

    private static final Logger log = LoggerFactory.getLogger(BehaviourClustering.class);

    private final ClusterStore store;
    private final HubConfig config;
    private final Clock clock;

    public BehaviourClustering(ClusterStore store, HubConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    @Transactional
    public SyncRun cluster(SyncRun run) {
        var settings = config.hub().scoring().clustering();
        if (!settings.enabledOrDefault()) {
            return run;
        }
        long started = System.nanoTime();
        LocalDate asOf = config.hub().scoring().fixedAsOf().orElse(LocalDate.now(clock));
        List<Behaviour> behaviours = store.behaviours(asOf);
        long withoutPurchases = store.profilesWithoutPurchases();
        try {
            var result = new BehaviourClusterer(settings.settings()).cluster(behaviours, store.latest(), store.nextIdNumber());
            store.save(run.id(), result, clock.instant());
            String silhouettes = result.silhouettes().entrySet().stream()
                    .map(e -> e.getKey() + ": " + String.format("%.3f", e.getValue())).collect(Collectors.joining(", "));
            run.report().clustering("k=" + result.k() + (settings.fixedK().isPresent() ? " as configured" : " by silhouette")
                    + ", silhouette " + silhouettes + "; " + behaviours.size() + " profiles with purchases on "
                    + settings.features().stream().map(ClusterFeature::key).collect(Collectors.joining(", "))
                    + "; " + withoutPurchases + " without purchases not clustered; ids kept from the last clustering: "
                    + (result.keptIds().isEmpty() ? "none" : String.join(", ", result.keptIds())));
            result.clusters().forEach(c -> run.report().cluster(c.id(), c.size(), c.description()));
            log.info("run={} stage=cluster k={} profiles={} unclustered={} kept={} sizes={}", run.id(), result.k(), behaviours.size(),
                    withoutPurchases, result.keptIds().size(), result.clusters().stream()
                            .collect(Collectors.toMap(BehaviourClusterer.BehaviourCluster::id, BehaviourClusterer.BehaviourCluster::size,
                                    (a, b) -> a, java.util.LinkedHashMap::new)));
        } catch (ClusteringException e) {
            // too few or too alike profiles: no clusters this run, and the report says why
            run.report().note("clusters", "not computed this run: " + e.getMessage());
            log.info("run={} stage=cluster skipped: {}", run.id(), e.getMessage());
        }
        run.report().stageTook("cluster", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }
}
