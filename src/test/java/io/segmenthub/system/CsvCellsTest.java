package io.segmenthub.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CsvCellsTest {

    static Stream<Arguments> cells() {
        return Stream.of(
                Arguments.of("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                Arguments.of("+1 650 253 0000", "'+1 650 253 0000"),
                Arguments.of("-2+3", "'-2+3"),
                Arguments.of("@SUM(A1)", "'@SUM(A1)"),
                Arguments.of("\t=1", "'\t=1"),
                Arguments.of("  =1+1", "'  =1+1"),
                Arguments.of("\u00A0@SUM(A1)", "'\u00A0@SUM(A1)"),
                Arguments.of("\u3000+86 138", "'\u3000+86 138"),
                Arguments.of("\uFF1DHYPERLINK(\"http://x\")", "'\uFF1DHYPERLINK(\"http://x\")"),
                Arguments.of("\uFF0B1", "'\uFF0B1"),
                Arguments.of("\uFF0D1", "'\uFF0D1"),
                Arguments.of("\uFF20SUM(A1)", "'\uFF20SUM(A1)"),
                Arguments.of("\n=1", "'\n=1"),
                Arguments.of("   ", "   "),
                Arguments.of("Ada = Lovelace", "Ada = Lovelace"),
                Arguments.of("ada@example.org", "ada@example.org"),
                Arguments.of("K100001", "K100001"));
    }

    @ParameterizedTest
    @MethodSource("cells")
    void cellsASpreadsheetWouldRunAsFormulasGetALeadingApostrophe(String cell, String expected) {
        assertThat(CsvCells.safe(cell)).isEqualTo(expected);
    }

    @Test
    void emptyAndMissingCellsStayEmpty() {
        assertThat(CsvCells.safe("")).isEmpty();
        assertThat(CsvCells.safe(null)).isEmpty();
    }
}
