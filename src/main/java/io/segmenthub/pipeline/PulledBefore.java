package io.segmenthub.pipeline;

import java.util.Collection;
import java.util.HashMap;
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
    /** The same, the other way round: which record was last pulled with a hash. */
    private Map<String, String> byHash;
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
     * The record held as last pulled with exactly this hash, if any: a line of a source read as
     * lines whose keyed hash this is makes that record as it is stored.
     */
    synchronized Optional<String> recordPulledAs(String hash) {
        return byHash == null ? Optional.empty() : Optional.ofNullable(byHash.get(hash));
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
            if (hashes != null) {
                byHash = new HashMap<>(hashes.size() * 4 / 3 + 1);
                hashes.forEach((recordId, hash) -> byHash.put(hash, recordId));
            }
        }
    }

    /** Records a batch examines: from now on they are looked up in the store. */
    synchronized void forget(Collection<String> recordIds) {
        if (hashes != null) {
            recordIds.forEach(id -> {
                String hash = hashes.remove(id);
                if (hash != null && id.equals(byHash.get(hash))) {
                    byHash.remove(hash);
                }
            });
        }
    }

    /** How many records are held now; empty while the system's hashes are not. */
    synchronized Optional<Integer> held() {
        return Optional.ofNullable(hashes).map(Map::size);
    }
}
