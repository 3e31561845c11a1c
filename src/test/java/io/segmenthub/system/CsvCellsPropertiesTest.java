package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The formula-injection guard over arbitrary cells (OWASP "CSV Injection"). */
class CsvCellsPropertiesTest {

    /** What a spreadsheet runs: a trigger first, or after leading blanks, in ASCII or full-width form. */
    static boolean startsAFormula(String cell) {
        if (cell.isEmpty()) {
            return false;
        }
        if ("\t\r\n".indexOf(cell.charAt(0)) >= 0) {
            return true;
        }
        String rest = cell.replaceFirst("^[\\s\\p{Z}]+", "");
        return !rest.isEmpty() && "=+-@\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B".indexOf(rest.charAt(0)) >= 0;
    }

    @Provide
    Arbitrary<String> formulas() {
        return Arbitraries.oneOf(
                Arbitraries.of("=", "+", "-", "@", "\t", "\r", "\n", "  =", "\u3000+", "\u00A0-", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20").flatMap(trigger ->
                        Arbitraries.strings().all().ofMaxLength(30).map(rest -> trigger + rest)),
                Arbitraries.strings().withChars("=+-@\t\r\n'\" ,;\u3000\uFF1D\uFF20").ofMinLength(1).ofMaxLength(10));
    }

    @Property(tries = 300)
    void aFormulaNeverLeavesTheGuardAsAFormula(@ForAll("formulas") String cell) {
        assertThat(startsAFormula(CsvCells.safe(cell))).isFalse();
    }

    @Property(tries = 300)
    void noCellLeavesTheGuardAsAFormula(@ForAll String cell) {
        assertThat(startsAFormula(CsvCells.safe(cell))).isFalse();
    }

    @Property(tries = 300)
    void theGuardOnlyEverPrependsAnApostropheSoNothingIsLost(@ForAll("formulas") String cell) {
        String safe = CsvCells.safe(cell);

        assertThat(safe).isIn(cell, "'" + cell);
        assertThat(safe.equals(cell)).isEqualTo(!startsAFormula(cell));
    }

    @Property(tries = 300)
    void guardingTwiceEqualsGuardingOnce(@ForAll("formulas") String cell) {
        assertThat(CsvCells.safe(CsvCells.safe(cell))).isEqualTo(CsvCells.safe(cell));
    }
}
