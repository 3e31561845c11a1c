package io.segmenthub.schedule;

import io.segmenthub.system.HubStartupException;
import io.segmenthub.system.SyncSchedule;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Quartz scheduler behind the {@code schedule-<sync>} routes (Spring Boot's, which camel-quartz
 * uses). In memory by default; with the {@code cluster} profile its JDBC job store is shared by
 * every instance through the store, so each tick fires on one instance only. It starts only after
 * this instance's schedule routes exist, so a tick is never handed to an instance that cannot run
 * it, and it never starts for one-off commands, which must not take ticks from running hubs.
 */
@Component
public class QuartzSchedule {

    /** The Quartz trigger group of the schedule routes ({@code quartz:segment-hub/<sync>}). */
    public static final String GROUP = "segment-hub";

    private static final Logger log = LoggerFactory.getLogger(QuartzSchedule.class);

    private final Scheduler scheduler;
    private final ClusterProperties properties;
    private final HubInstance instance;

    QuartzSchedule(Scheduler scheduler, ClusterProperties properties, HubInstance instance, DataSource store) {
        this.scheduler = scheduler;
        this.properties = properties;
        this.instance = instance;
        checkClusterSetup(store);
    }

    public boolean clustered() {
        try {
            return scheduler.getMetaData().isJobStoreClustered();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Quartz scheduler metadata unavailable", e);
        }
    }

    /** Starts the scheduler once the schedule routes of {@code syncs} are in place. */
    public void start(List<SyncSchedule> syncs) {
        try {
            if (clustered()) {
                removeTriggersNotConfigured(syncs.stream().map(SyncSchedule::id).collect(Collectors.toSet()));
            }
            if (!scheduler.isStarted()) {
                scheduler.start();
            }
            log.info("Quartz scheduler {} started {}", scheduler.getSchedulerName(), clustered()
                    ? "in the shared job store, as Quartz instance " + scheduler.getSchedulerInstanceId() + " (hub instance " + instance.id() + ")"
                    : "in memory (one instance; the cluster profile shares the schedule between instances)");
        } catch (SchedulerException e) {
            throw new HubStartupException("The Quartz scheduler cannot start: " + e.getMessage(), e);
        }
    }

    /** Triggers of syncs removed from hub.yml would fire on some instance and do nothing: drop them. */
    private void removeTriggersNotConfigured(Set<String> configured) throws SchedulerException {
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
            if (!configured.contains(key.getName())) {
                scheduler.unscheduleJob(key);
                log.info("sync={} is no longer in hub.yml: its schedule was removed from the shared job store", key.getName());
            }
        }
    }

    private void checkClusterSetup(DataSource store) {
        if (!properties.enabled()) {
            return;
        }
        if (!clustered()) {
            throw new HubStartupException("segmenthub.cluster.enabled is set but Quartz does not use the clustered JDBC job store: "
                    + "start with the cluster profile (--spring.profiles.active=postgres,cluster), which sets spring.quartz.job-store-type=jdbc "
                    + "and spring.quartz.properties.org.quartz.jobStore.isClustered=true.");
        }
        String product;
        try (Connection c = store.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new HubStartupException("The store cannot be reached to check the cluster setup: " + e.getMessage(), e);
        }
        if (!product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            throw new HubStartupException("The cluster profile shares the schedule and the run lease through the store, which must be a "
                    + "PostgreSQL database every instance reaches (the store is " + product + "): start with "
                    + "--spring.profiles.active=postgres,cluster and SEGMENT_HUB_DB_URL.");
        }
    }
}
