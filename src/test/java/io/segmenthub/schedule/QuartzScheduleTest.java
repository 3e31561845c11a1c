package io.segmenthub.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.segmenthub.system.HubStartupException;
import io.segmenthub.system.SyncSchedule;
import io.segmenthub.system.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Two hub instances starting at the same moment on one shared job store: each adds the same syncs'
 * schedule routes, and each sync ends up with one job and one trigger that both instances use. Before
 * the schedule changes ran in a transaction, one of the two died on a duplicate key in
 * {@code qrtz_job_details} (the job store's row lock ended with its own statement).
 */
class QuartzScheduleTest {

    static final int ROUNDS = 6;
    static final List<String> SYNCS = List.of("nightly", "hourly", "weekly");

    @Test
    void twoInstancesStartingTogetherShareEachSyncsTrigger() throws Exception {
        String schema = "quartz_" + UUID.randomUUID().toString().replace("-", "");
        try (HikariDataSource pool = TestPostgres.poolOrSkip("SET search_path = " + schema)) {
            pool.setMaximumPoolSize(6); // both instances' transactions, and the connections Quartz takes outside them
            Flyway.configure().dataSource(pool).schemas(schema).load().migrate();
            JdbcClient jdbc = JdbcClient.create(pool);
            PlatformTransactionManager transactions = new DataSourceTransactionManager(pool);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    // as on the first start ever: no jobs, no triggers, no lock rows
                    for (String table : List.of("qrtz_cron_triggers", "qrtz_triggers", "qrtz_job_details", "qrtz_locks", "qrtz_scheduler_state")) {
                        jdbc.sql("DELETE FROM " + table).update();
                    }
                    List<Instance> instances = List.of(new Instance("a", pool, transactions), new Instance("b", pool, transactions));
                    try {
                        List<Throwable> failures = startTogether(instances);

                        assertThat(failures).as("round %d", round).isEmpty();
                        assertThat(jdbc.sql("SELECT job_name FROM qrtz_job_details").query(String.class).list())
                                .as("round %d: one job per sync", round).containsExactlyInAnyOrderElementsOf(SYNCS);
                        assertThat(jdbc.sql("SELECT trigger_name FROM qrtz_cron_triggers").query(String.class).list())
                                .as("round %d: one trigger per sync", round).containsExactlyInAnyOrderElementsOf(SYNCS);
                        for (Instance instance : instances) {
                            assertThat(instance.scheduler.isStarted()).isTrue();
                            for (String sync : SYNCS) {
                                assertThat(instance.camel.getRouteController().getRouteStatus("schedule-" + sync))
                                        .as("instance %s, sync %s", instance.name, sync).isEqualTo(ServiceStatus.Started);
                            }
                        }
                    } finally {
                        instances.forEach(Instance::close);
                    }
                }
            } finally {
                jdbc.sql("DROP SCHEMA " + schema + " CASCADE").update();
            }
        }
    }

    /** A schedule change in a transaction of another database would leave the job store's lock unheld: refused at start. */
    @Test
    void aTransactionManagerOfAnotherDatabaseIsRefusedAtStart() throws Exception {
        try (HikariDataSource pool = TestPostgres.poolOrSkip(null)) {
            Scheduler scheduler = Instance.clusteredScheduler("lone", pool, new DataSourceTransactionManager(pool));
            try {
                PlatformTransactionManager elsewhere = new DataSourceTransactionManager(new DriverManagerDataSource("jdbc:h2:mem:elsewhere"));

                assertThatThrownBy(() -> new QuartzSchedule(scheduler, new ClusterProperties(true, "lone", Duration.ofMinutes(2),
                        Duration.ofSeconds(20)), HubInstance.of("lone"), pool, elsewhere))
                        .isInstanceOf(HubStartupException.class)
                        .hasMessageContaining("does not manage the store the shared schedule lives in");
            } finally {
                scheduler.shutdown();
            }
        }
    }

    /** What CamelWiring does on start, by both instances at once: add every sync's schedule route, then start the scheduler. */
    private static List<Throwable> startTogether(List<Instance> instances) throws InterruptedException {
        CyclicBarrier together = new CyclicBarrier(instances.size());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Instance instance : instances) {
            Thread thread = new Thread(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                    for (String sync : SYNCS) {
                        instance.quartz.change(() -> instance.camel.addRoutes(scheduleRoute(sync)));
                    }
                    instance.quartz.start(SYNCS.stream().map(QuartzScheduleTest::sync).toList());
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "hub-" + instance.name);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        return failures;
    }

    /** The route the template {@code sync-schedule} makes (routes/sync.yaml), with a cron that does not fire during the test. */
    private static RouteBuilder scheduleRoute(String sync) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("quartz:" + QuartzSchedule.GROUP + "/" + sync + "?cron=0+0+3+1+1+%3F&stateful=true&usingFixedCamelContextName=true")
                        .routeId("schedule-" + sync).log("tick");
            }
        };
    }

    private static SyncSchedule sync(String id) {
        return new SyncSchedule(id, "0 0 3 1 1 ?", List.of(), List.of(), SyncSchedule.Misfire.RUN_ONCE);
    }

    /** One hub's scheduler, as Spring Boot builds it with the cluster profile, and its Camel context. */
    private static final class Instance implements AutoCloseable {
        final String name;
        final Scheduler scheduler;
        final QuartzSchedule quartz;
        final DefaultCamelContext camel;

        Instance(String name, HikariDataSource pool, PlatformTransactionManager transactions) throws Exception {
            this.name = name;
            scheduler = clusteredScheduler(name, pool, transactions);
            quartz = new QuartzSchedule(scheduler, new ClusterProperties(true, name, Duration.ofMinutes(2), Duration.ofSeconds(20)),
                    HubInstance.of(name), pool, transactions);
            camel = new DefaultCamelContext();
            camel.getCamelContextExtension().setName(QuartzSchedule.GROUP);
            QuartzComponent component = new QuartzComponent(camel);
            component.setScheduler(scheduler);
            component.setAutoStartScheduler(false);
            camel.addComponent("quartz", component);
            camel.start();
        }

        static Scheduler clusteredScheduler(String name, HikariDataSource pool, PlatformTransactionManager transactions) throws Exception {
            SchedulerFactoryBean factory = new SchedulerFactoryBean();
            factory.setSchedulerName(QuartzSchedule.GROUP);
            factory.setDataSource(pool);
            factory.setTransactionManager(transactions);
            factory.setAutoStartup(false);
            // the Quartz settings the cluster profile ships, not a copy of them that could drift
            YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
            yaml.setResources(new ClassPathResource("application-cluster.yml"));
            Properties shipped = yaml.getObject();
            String prefix = "spring.quartz.properties.";
            Properties properties = new Properties();
            shipped.forEach((key, value) -> {
                if (key.toString().startsWith(prefix)) {
                    properties.put(key.toString().substring(prefix.length()), value.toString()); // YAML gives booleans and numbers
                }
            });
            assertThat(properties).containsEntry("org.quartz.jobStore.isClustered", "true");
            properties.put("org.quartz.scheduler.instanceId", name); // AUTO in the profile; named here for the test's logs
            properties.put("org.quartz.threadPool.threadCount", "1");
            factory.setQuartzProperties(properties);
            factory.afterPropertiesSet();
            return factory.getScheduler();
        }

        @Override
        public void close() {
            camel.stop();
            try {
                scheduler.shutdown(true);
            } catch (Exception e) {
                throw new IllegalStateException("instance " + name + " did not stop", e);
            }
        }
    }
}
