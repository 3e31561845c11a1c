package io.segmenthub.connector;

import jakarta.validation.Valid;

import java.util.Map;

/**
 * How a source row maps onto the canonical record. Values are source field names; a dotted name
 * ({@code consent.analytics}) reaches into nested JSON objects.
 * <ul>
 *   <li>{@code id}: the record's id in its system (required for people);</li>
 *   <li>{@code idIsPersonal}: the id itself identifies a person (a social handle, an e-mail used as
 *       key): the store then keeps only a keyed pseudonym of it;</li>
 *   <li>{@code updatedAt}: when the source last changed the record (survivorship, watermarks);</li>
 *   <li>{@code identity}: attribute ({@code given_name}, {@code email}, ...) to field;</li>
 *   <li>{@code consent}: purpose to a boolean opt-in field (true = granted, false = denied);</li>
 *   <li>{@code tcfString}: a field holding an IAB TCF consent string, decoded into consent for the
 *       purposes that declare {@code tcf-purposes};</li>
 *   <li>{@code metrics}: name to a numeric field (engagement counts);</li>
 *   <li>{@code transaction}, {@code event}: a purchase or an engagement event carried by the row;</li>
 *   <li>{@code consentEvent}: for {@code kind: consent} connectors, the consent row's fields.</li>
 * </ul>
 */
public record RecordMapping(
        String id,
        Boolean idIsPersonal,
        String updatedAt,
        Map<String, String> identity,
        Map<String, String> consent,
        String tcfString,
        Map<String, String> metrics,
        @Valid TransactionMapping transaction,
        @Valid EventMapping event,
        @Valid ConsentEventMapping consentEvent) {

    public RecordMapping {
        identity = identity == null ? Map.of() : Map.copyOf(identity);
        consent = consent == null ? Map.of() : Map.copyOf(consent);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    public RecordMapping(String id, Boolean idIsPersonal, String updatedAt, Map<String, String> identity, Map<String, String> consent,
                         Map<String, String> metrics, TransactionMapping transaction, EventMapping event, ConsentEventMapping consentEvent) {
        this(id, idIsPersonal, updatedAt, identity, consent, null, metrics, transaction, event, consentEvent);
    }

    public boolean pseudonymiseId() {
        return idIsPersonal != null && idIsPersonal;
    }

    public record TransactionMapping(@jakarta.validation.constraints.NotBlank String id,
                                     @jakarta.validation.constraints.NotBlank String date,
                                     @jakarta.validation.constraints.NotBlank String amount,
                                     String currency,
                                     String defaultCurrency) {
    }

    public record EventMapping(@jakarta.validation.constraints.NotBlank String id,
                               @jakarta.validation.constraints.NotBlank String type,
                               @jakarta.validation.constraints.NotBlank String at) {
    }

    public record ConsentEventMapping(String email,
                                      String phone,
                                      @jakarta.validation.constraints.NotBlank String purpose,
                                      @jakarta.validation.constraints.NotBlank String status,
                                      @jakarta.validation.constraints.NotBlank String occurredAt,
                                      String evidence,
                                      String source) {
    }
}
