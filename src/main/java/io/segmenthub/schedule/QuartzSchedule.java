package io.segmenthub.schedule;

import io.segmenthub.system.HubStartupException;
import io.segmenthub.system.SyncSchedule;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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
 *
 * <p>Shared, the job store guards each change with a row lock in {@code qrtz_locks}; Spring's job
 * store takes it on the caller's transaction, so outside one the lock ends with its own statement.
 * Two instances starting together then both found a sync's job missing and both inserted it, and
 * one died on the duplicate key (CI, 2026-12-05). Every change this instance makes to the shared
 * schedule therefore runs in a transaction ({@link #change}), and the lock rows exist before the
 * first change: in an empty table both instances insert the row, and Quartz rolls back the loser's
 * transaction and tries again a second later.
 */
@Component
public class QuartzSchedule {

    /** The Quartz trigger group of the schedule routes ({@code quartz:segment-hub/<sync>}). */
    public static final String GROUP = "segment-hub";

    private static final Logger log = LoggerFactory.getLogger(QuartzSchedule.class);

    private final Scheduler scheduler;
    private final ClusterProperties properties;
    private final HubInstance instance;
    private final TransactionTemplate transaction;

    QuartzSchedule(Scheduler scheduler, ClusterProperties properties, HubInstance instance, DataSource store,
                   PlatformTransactionManager transactions) {
        this.scheduler = scheduler;
        this.properties = properties;
        this.instance = instance;
        this.transaction = new TransactionTemplate(transactions);
        checkClusterSetup(store, transactions);
    }

    /** A change to this instance's part of the schedule, such as starting a {@code schedule-<sync>} route. */
    @FunctionalInterface
    public interface Change {
        void apply() throws Exception;
    }

    /**
     * Applies {@code change} under the shared job store's lock when the schedule is shared: in one
     * transaction of the store, which holds Quartz's row lock until it commits. Another instance
     * adding the same sync's trigger then waits, finds it stored and uses it.
     */
    public void change(Change change) throws Exception {
        if (!clustered()) {
            change.apply();
            return;
        }
        try {
            transaction.executeWithoutResult(status -> {
                try {
                    change.apply();
                } catch (Exception e) {
                    throw new ChangeFailed(e);
                }
            });
        } catch (ChangeFailed e) {
            throw (Exception) e.getCause();
        }
    }

    private static final class ChangeFailed extends RuntimeException {
        ChangeFailed(Exception cause) {
            super(cause);
        }
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
                Set<String> configured = syncs.stream().map(SyncSchedule::id).collect(Collectors.toSet());
                change(() -> removeTriggersNotConfigured(configured));
            }
            if (!scheduler.isStarted()) {
                scheduler.start();
            }
            log.info("Quartz scheduler {} started {}", scheduler.getSchedulerName(), clustered()
                    ? "in the shared job store, as Quartz instance " + scheduler.getSchedulerInstanceId() + " (hub instance " + instance.id() + ")"
                    : "in memory (one instance; the cluster profile shares the schedule between instances)");
        } catch (Exception e) {
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

    private void checkClusterSetup(DataSource store, PlatformTransactionManager transactions) {
        if (!properties.enabled()) {
            return;
        }
        if (transactions instanceof ResourceTransactionManager resource && resource.getResourceFactory() != store) {
            throw new HubStartupException("The transaction manager (" + transactions.getClass().getSimpleName() + ") does not manage the store the "
                    + "shared schedule lives in, so Quartz's locks there would not hold: give the store's DataSource its own transaction manager.");
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
        String table = "qrtz_locks"; // the migration V12 creates Quartz's tables with its default prefix
        try {
            JdbcClient jdbc = JdbcClient.create(store);
            for (String lock : List.of("TRIGGER_ACCESS", "STATE_ACCESS")) {
                jdbc.sql("INSERT INTO " + table + " (sched_name, lock_name) VALUES (:scheduler, :lock) ON CONFLICT DO NOTHING")
                        .param("scheduler", scheduler.getSchedulerName()).param("lock", lock).update();
            }
        } catch (SchedulerException | org.springframework.dao.DataAccessException e) {
            throw new HubStartupException("The shared schedule's lock rows cannot be written to " + table + ": " + e.getMessage(), e);
        }
    }
}
