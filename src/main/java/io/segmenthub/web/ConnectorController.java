package io.segmenthub.web;

import io.segmenthub.connector.ConnectionTest;
import io.segmenthub.pipeline.ConnectorStatuses;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Connectors for IT teams: status per connector (last run, last error, watermark) and a connection test of connectors and destinations. */
@RestController
@RequestMapping("/api/connectors")
class ConnectorController {

    private final ConnectorStatuses statuses;
    private final ConnectionTest tests;

    ConnectorController(ConnectorStatuses statuses, ConnectionTest tests) {
        this.statuses = statuses;
        this.tests = tests;
    }

    @GetMapping
    List<ConnectorStatuses.Status> list() {
        return statuses.all();
    }

    @GetMapping("/{id}")
    ResponseEntity<ConnectorStatuses.Status> get(@PathVariable String id) {
        return ResponseEntity.of(statuses.one(id));
    }

    /** Tests a connector or a destination by id; the answer names each step and the first that failed. */
    @PostMapping("/{id}/test")
    ResponseEntity<ConnectionTest.Result> test(@PathVariable String id) {
        return ResponseEntity.of(tests.test(id));
    }
}
