package io.segmenthub.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * What one run knows of a system's stored records while it pulls them: the hash each was last
 * pulled with. A source without a cursor (an export file written out whole each night) is read
 * whole, and most of its rows come back as before; once a pull has shown that, by looking up
 * {@code lookedUpFirst} rows batch by batch and finding at least half of them pulled as before,
 * the system's hashes are read in one scan and the rest of the pull recognises such rows without
 * a look-up each. A record is forgotten here as soon as a batch examines it (it may be stored
 * anew), so what is held is always what the store holds. A system too large to hold (see
 * {@code segmenthub.pulled-hashes-held-at-most}) is looked up batch by batch to the end.
 */
final class PulledBefore {

    private final int lookedUpFirst;
    private Map<String, String> hashes;
    private boolean declined;
    private long lookedUp;
    private long asBefore;

    /** @param lookedUpFirst rows looked up batch by batch before the system's hashes may be read whole */
    PulledBefore(int lookedUpFirst) {
        this.lookedUpFirst = lookedUpFirst;
    }

    /** Whether the record is held with exactly this pulled hash: stored as it is pulled now. */
    synchronized boolean asBefore(String recordId, String hash) {
        return hashes != null && hash.equals(hashes.get(recordId));
    }

    /**
     * Counts a batch's look-ups and how many of them found the record pulled as before; when the
     * pull has looked up enough and at least half came back as before, reads the system's hashes
     * ({@code read}, given the rows looked up so far, gives none when the system is too large to
     * hold, and is not asked again).
     */
    synchronized void lookedUp(int rows, int foundAsBefore, LongFunction<Optional<Map<String, String>>> read) {
        lookedUp += rows;
        asBefore += foundAsBefore;
        if (hashes == null && !declined && lookedUp >= lookedUpFirst && 2 * asBefore >= lookedUp) {
            hashes = read.apply(lookedUp).orElse(null);
            declined = hashes == null;
        }
    }

    /** Records a batch examines: from now on they are looked up in the store. */
    synchronized void forget(Collection<String> recordIds) {
        if (hashes != null) {
            recordIds.forEach(hashes::remove);
        }
    }

    /** How many records are held now; empty while the system's hashes are not. */
    synchronized Optional<Integer> held() {
        return Optional.ofNullable(hashes).map(Map::size);
    }
}
