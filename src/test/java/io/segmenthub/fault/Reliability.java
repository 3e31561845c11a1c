package io.segmenthub.fault;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a fault test say, in its own words and with what it observed, what it tried, what the hub
 * did and what was lost; the row counts only if the test passes (a failed test's row says so).
 * {@link ReliabilityReport} turns the rows of the whole test run into {@code docs/reliability.md}.
 */
public final class Reliability implements BeforeTestExecutionCallback, AfterTestExecutionCallback {

    private static final ThreadLocal<List<ReliabilityReport.Row>> pending = ThreadLocal.withInitial(ArrayList::new);

    /** One fault or bad input the running test tried. Call it after the assertions that prove {@code lost}. */
    public static void record(String area, String tried, String hubDid, String lost) {
        pending.get().add(new ReliabilityReport.Row(area, tried, hubDid, lost, "", "passed"));
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        pending.get().clear();
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        String test = context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName();
        if (context.getExecutionException().filter(e -> e instanceof org.opentest4j.TestAbortedException).isPresent()) {
            pending.get().clear(); // skipped by an assumption (e.g. the other CI pass runs it): neither passed nor failed
            return;
        }
        boolean failed = context.getExecutionException().isPresent();
        List<ReliabilityReport.Row> rows = new ArrayList<>(pending.get());
        pending.get().clear();
        if (failed && rows.isEmpty()) {
            rows.add(new ReliabilityReport.Row("?", context.getDisplayName(), "test failed before recording", "unknown", "", "FAILED"));
        }
        for (ReliabilityReport.Row row : rows) {
            ReliabilityReport.add(failed ? row.failed(test) : row.by(test));
        }
    }
}
