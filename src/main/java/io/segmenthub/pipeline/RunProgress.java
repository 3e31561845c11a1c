package io.segmenthub.pipeline;

import org.springframework.stereotype.Component;

/** Called by the {@code pipeline-sync} route as the run moves through its stages, so the API and console can show it live. */
@Component("runProgress")
public class RunProgress {

    public void pulling(SyncRun run, String connectorId, int index) {
        run.progress("pull", connectorId, index, run.connectorIds().size());
    }

    public void stage(SyncRun run, String stage) {
        run.progress(stage, null, 0, 1);
    }

    public void pushing(SyncRun run, String destinationId, int index) {
        run.progress("push", destinationId, index, run.destinationIds().size());
    }
}
