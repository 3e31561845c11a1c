package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A blocking rule: records that share a key become candidate pairs. A rule made of several parts
 * (say the Double Metaphone of the surname and the birth year) keys a record by every combination
 * of its parts' keys; a record missing any part gets no key from that rule and is paired only by
 * the others. Candidate pairs are the union over all rules (Splink's "blocking rules for
 * predictions").
 *
 * @param name a label for logs and for {@link SkippedBlock}; never a key, which may be personal data
 */
public record BlockingRule(String name, Function<MatchRecord, Set<String>> keys) {

    public BlockingRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keys, "keys");
    }

    /** Records with the same value of {@code field}. */
    public static BlockingRule exact(String field) {
        return on(field, BlockingKeys.exact(field));
    }

    /** Records agreeing on every part (the keys of a record are the cross product of its parts' keys). */
    @SafeVarargs
    public static BlockingRule on(String name, Function<MatchRecord, Set<String>>... parts) {
        List<Function<MatchRecord, Set<String>>> all = List.of(parts);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("blocking rule '" + name + "' has no parts");
        }
        return new BlockingRule(name, record -> {
            List<String> combined = List.of("");
            for (var part : all) {
                Set<String> keys = part.apply(record);
                if (keys.isEmpty()) {
                    return Set.of();
                }
                List<String> next = new ArrayList<>(combined.size() * keys.size());
                for (String prefix : combined) {
                    for (String key : keys) {
                        next.add(prefix.isEmpty() ? key : prefix + '\u001f' + key);
                    }
                }
                combined = next;
            }
            return new LinkedHashSet<>(combined);
        });
    }
}
