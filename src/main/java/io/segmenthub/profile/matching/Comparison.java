package io.segmenthub.profile.matching;

import java.util.List;
import java.util.Objects;

/**
 * How two records are compared on one attribute: a list of {@link ComparisonLevel}s from the
 * strongest agreement to "else", plus an implicit null level when either record lacks
 * {@code field}. The null level carries no evidence (weight 0), as in Splink.
 *
 * @param field the field whose absence on either side means "null level", and whose values the
 *              term-frequency adjustment counts
 */
public record Comparison(String name, String field, List<ComparisonLevel> levels) {

    /** The level index of a pair in which either side lacks the field. */
    public static final int NULL_LEVEL = -1;

    public Comparison {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(field, "field");
        levels = List.copyOf(levels);
        if (levels.size() < 2) {
            throw new IllegalArgumentException("comparison '" + name + "' needs at least two levels");
        }
        if (levels.size() > 14) {
            throw new IllegalArgumentException("comparison '" + name + "' has more than 14 levels");
        }
        if (!levels.get(levels.size() - 1).label().equals("else")) {
            throw new IllegalArgumentException("comparison '" + name + "' must end with ComparisonLevel.otherwise()");
        }
    }

    /** The index of the first level that holds for the pair, or {@link #NULL_LEVEL}. */
    public int level(MatchRecord left, MatchRecord right) {
        if (left.value(field) == null || right.value(field) == null) {
            return NULL_LEVEL;
        }
        for (int i = 0; i < levels.size() - 1; i++) {
            if (levels.get(i).test().holds(left, right)) {
                return i;
            }
        }
        return levels.size() - 1;
    }

    /** The label of a level index, including the null level. */
    public String label(int level) {
        return level == NULL_LEVEL ? "null" : levels.get(level).label();
    }
}
