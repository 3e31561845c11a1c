package io.segmenthub.segment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic control-group assignment: a profile is in a segment's holdout when the hash of
 * segment and golden id, read as a number in [0, 1), falls below the holdout share. The same
 * profile always lands on the same side for the same segment, on any machine and in any run, and
 * different segments draw independently.
 */
public final class Holdouts {

    private Holdouts() {
    }

    public static boolean inControlGroup(String segmentId, String goldenId, double share) {
        if (share <= 0) {
            return false;
        }
        return position(segmentId, goldenId) < share;
    }

    /** The profile's place in [0, 1) for this segment. */
    static double position(String segmentId, String goldenId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((segmentId + "\u001f" + goldenId).getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11; // 53 bits: exactly representable
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
