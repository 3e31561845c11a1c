package io.segmenthub.web;

import io.segmenthub.subject.ErasureReceipts;
import io.segmenthub.subject.SubjectRequestException;
import io.segmenthub.subject.SubjectRequests;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Subject requests over HTTP. Identifiers travel in the request body, never in the URL. The
 * export holds personal data: until role-based security lands, the API listens on 127.0.0.1 only
 * by default.
 */
@RestController
@RequestMapping("/api/subjects")
class SubjectController {

    /** Who the request is about: an e-mail address and/or a phone number. */
    private final SubjectRequests requests;
    private final ErasureReceipts receipts;

    SubjectController(SubjectRequests requests, ErasureReceipts receipts) {
        this.requests = requests;
        this.receipts = receipts;
    }

    @PostMapping("/access")
    Map<String, Object> access(@RequestBody SubjectRef subject) {
        return requests.access(Optional.ofNullable(subject.email()), Optional.ofNullable(subject.phone()), Actors.current("api"));
    }

    @PostMapping("/erasure")
    SubjectRequests.Erasure erase(@RequestBody SubjectRef subject) {
        return requests.erase(Optional.ofNullable(subject.email()), Optional.ofNullable(subject.phone()), Actors.current("api"));
    }

    @GetMapping("/erasure/{requestId}/receipts")
    List<ErasureReceipts.Receipt> receipts(@PathVariable String requestId) {
        return receipts.forRequest(requestId);
    }

    @ExceptionHandler(SubjectRequestException.class)
    ResponseEntity<Map<String, String>> badRequest(SubjectRequestException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}
