package io.segmenthub.pipeline;

import java.util.Optional;

/**
 * A row from a consent source (consent platform, web form log): whose consent, by e-mail or
 * phone as given, and the decision.
 */
public record ConsentRow(String ref, Optional<String> email, Optional<String> phone, String sourceSystem,
                         ConsentSignal signal) {
}
