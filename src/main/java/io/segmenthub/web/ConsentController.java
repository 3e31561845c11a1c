package io.segmenthub.web;

import io.segmenthub.consent.ConsentEvent;
import io.segmenthub.consent.ConsentLedger;
import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.consent.Purpose;
import io.segmenthub.subject.SubjectIdentifiers;
import io.segmenthub.subject.SubjectRequestException;
import io.segmenthub.system.HubConfig;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consent from web forms and consent platforms, and a subject's consent history and current
 * state. The person is named by e-mail or phone in the body (never the URL) and looked up through
 * the blind index; the ledger only ever holds the index.
 */
@RestController
@RequestMapping("/api/consent")
class ConsentController {

    /** One consent decision as a form or a consent platform reports it. */
    record ConsentRequest(String email, String phone, String purpose, String status, String occurredAt, String evidence, String source) {
    }

    private final ConsentLedger ledger;
    private final SubjectIdentifiers identifiers;
    private final HubConfig config;
    private final Clock clock;

    ConsentController(ConsentLedger ledger, SubjectIdentifiers identifiers, HubConfig config, Clock clock) {
        this.ledger = ledger;
        this.identifiers = identifiers;
        this.config = config;
        this.clock = clock;
    }

    @PostMapping("/events")
    ResponseEntity<Map<String, Object>> record(@RequestBody ConsentRequest request) {
        Purpose purpose = Optional.ofNullable(request.purpose()).map(p -> config.purposes().get(p))
                .orElseThrow(() -> new SubjectRequestException("unknown purpose; declared: " + String.join(", ", config.purposes().keySet())));
        ConsentStatus status = ConsentStatus.parse(request.status())
                .orElseThrow(() -> new SubjectRequestException("status must be granted, denied or withdrawn"));
        Instant occurredAt;
        try {
            occurredAt = request.occurredAt() == null ? clock.instant() : Instant.parse(request.occurredAt());
        } catch (DateTimeParseException e) {
            throw new SubjectRequestException("occurredAt must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        }
        String subject = identifiers.primary(Optional.ofNullable(request.email()), Optional.ofNullable(request.phone()));
        Optional<Instant> expires = status == ConsentStatus.GRANTED
                ? purpose.validity().map(days -> occurredAt.plus(Duration.ofDays(days))) : Optional.empty();
        var event = new ConsentEvent(subject, purpose.id(), status, occurredAt,
                Optional.ofNullable(request.source()).orElse("api"), Optional.ofNullable(request.evidence()).orElse(""), expires);
        int recorded = ledger.record(List.of(event), null);
        return ResponseEntity.status(recorded == 1 ? HttpStatus.CREATED : HttpStatus.OK)
                .body(Map.of("recorded", recorded == 1, "purpose", purpose.id(), "status", status.name().toLowerCase()));
    }

    /** The history of every identifier given, and the state per purpose now. */
    @PostMapping("/history")
    Map<String, Object> history(@RequestBody SubjectRef ref) {
        List<String> subjects = identifiers.all(Optional.ofNullable(ref.email()), Optional.ofNullable(ref.phone()));
        List<Map<String, Object>> events = new ArrayList<>();
        for (String subject : subjects) {
            for (ConsentEvent e : ledger.history(subject)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("purpose", e.purpose());
                row.put("status", e.status().name().toLowerCase());
                row.put("occurredAt", e.occurredAt().toString());
                row.put("source", e.sourceSystem());
                row.put("evidence", e.evidence());
                row.put("expiresAt", e.expiresAt().map(Instant::toString).orElse(null));
                events.add(row);
            }
        }
        events.sort((a, b) -> ((String) a.get("occurredAt")).compareTo((String) b.get("occurredAt")));
        Map<String, String> now = new LinkedHashMap<>();
        config.purposes().forEach((id, purpose) -> {
            Optional<ConsentStatus> state = ledger.current(subjects, id, clock.instant());
            now.put(id, state.map(st -> st.name().toLowerCase()).orElse("none")
                    + (purpose.basis().permits(state) ? " (permitted)" : " (not permitted)"));
        });
        return Map.of("events", events, "current", now);
    }

    @ExceptionHandler(SubjectRequestException.class)
    ResponseEntity<Map<String, String>> badRequest(SubjectRequestException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}
