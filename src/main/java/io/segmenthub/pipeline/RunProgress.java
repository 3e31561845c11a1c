package io.segmenthub.pipeline;

import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/** Called by the {@code pipeline-sync} route as the run moves through its stages, so the API and console can show it live. */
@Component("runProgress")
public class RunProgress {

    /** On the lane's thread, which also takes the run's id for what it logs. */
    public void pulling(SyncRun run, String connectorId) {
        MDC.put("run", run.id());
        run.pulling(connectorId);
    }

    public void pulled(SyncRun run, String connectorId) {
        run.pulled(connectorId);
    }

    public void stage(SyncRun run, String stage) {
        run.progress(stage, null, 0, 1);
    }

    public void pushing(SyncRun run, String destinationId, int index) {
        run.progress("push", destinationId, index, run.destinationIds().size());
    }
}
