package io.segmenthub.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.pipeline.SourceBatch;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pull that fails part-way through its source must fail the run. The pull routes redeliver a
 * failed split ({@code routes/errors.yaml}); the splitter has closed the source by then, and a
 * closed source that answered "no more rows" turned a failed pull into a successful run holding
 * only the rows read before the failure (for a file source, the rest of the file was never read
 * again because its digest was recorded).
 */
class SourceBatchesRedeliveryTest {

    CamelContext camel;
    final List<String> ingested = new ArrayList<>();
    int failIngestOfBatch = -1;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        String errors = Files.readString(Path.of("routes/errors.yaml"))
                .replace("redeliveryDelay: 500", "redeliveryDelay: 1"); // same policy, no waiting in a test
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("errors.yaml", errors));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the shape of every connector template in routes/connectors.yaml
                from("direct:pull").routeConfigurationId("pull-errors")
                        .split(body()).streaming().stopOnException()
                        .process(this::ingest);
            }

            private void ingest(Exchange exchange) {
                SourceBatch batch = exchange.getMessage().getBody(SourceBatch.class);
                if (ingested.size() == failIngestOfBatch) {
                    throw new ConnectorException("store unavailable");
                }
                batch.records().forEach(r -> ingested.add(r.recordId()));
            }
        });
        camel.start();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    @Test
    void aReadFailurePartWayFailsThePullInsteadOfEndingItEarly() {
        Exchange result = pull(rows(6, 3));

        assertThat(result.getException()).isInstanceOf(SourceInterruptedException.class)
                .hasMessageContaining("connector 'crm'").hasMessageContaining("row 3 unreadable")
                .hasMessageContaining("cannot resume");
        assertThat(ingested).containsExactly("C-1", "C-2");
    }

    @Test
    void aBatchThatCannotBeStoredFailsThePull() {
        failIngestOfBatch = 2; // the second batch of two
        Exchange result = pull(rows(6, -1));

        assertThat(result.getException()).isNotNull();
        assertThat(ingested).containsExactly("C-1", "C-2");
    }

    @Test
    void aWholeSourceStillPullsToTheEnd() {
        Exchange result = pull(rows(5, -1));

        assertThat(result.getException()).isNull();
        assertThat(ingested).containsExactly("C-1", "C-2", "C-3", "C-4", "C-5");
    }

    private Exchange pull(SourceBatches batches) {
        return camel.createProducerTemplate().request("direct:pull", e -> e.getMessage().setBody(batches));
    }

    /** {@code count} rows C-1, C-2, ... in batches of two; reading row {@code failAt} throws. */
    private SourceBatches rows(int count, int failAt) {
        Iterator<SourceRow> rows = new Iterator<>() {
            int next = 1;
            boolean closed;

            @Override
            public boolean hasNext() {
                return !closed && next <= count; // a closed reader answers "no more rows", as the real ones do
            }

            @Override
            public SourceRow next() {
                int n = next++;
                if (n == failAt) {
                    throw new ConnectorException("connector 'crm': row " + n + " unreadable");
                }
                return new SourceRow("row " + n, Map.of("contact_id", "C-" + n), "C-" + n);
            }
        };
        Closeable nothingToClose = () -> { };
        var connector = new ConnectorConfig("crm", ConnectorType.FILE, "crm", null, "customer_account", null, null, null, null,
                new RecordMapping("contact_id", null, null, Map.of(), Map.of(), Map.of(), null, null, null));
        return new SourceBatches("crm", rows, RecordMapperTest.mapper(connector), 2, row -> Optional.empty(), nothingToClose);
    }
}
