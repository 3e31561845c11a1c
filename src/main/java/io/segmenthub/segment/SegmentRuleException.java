package io.segmenthub.segment;

/**
 * A segment rule that does not compile, does not return bool, or fails while evaluating. The
 * message is CEL's own description of what is wrong with the expression; it never carries
 * profile data.
 */
public class SegmentRuleException extends RuntimeException {

    public SegmentRuleException(String message) {
        super(message);
    }
}
