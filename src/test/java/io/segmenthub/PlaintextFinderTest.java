package io.segmenthub;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scanner the no-plaintext tests rely on: it must find phones, and not mistake hashes for them. */
class PlaintextFinderTest {

    private final PlaintextFinder finder = new PlaintextFinder(List.of("38001380", "ada.lovelace@example.org"));

    @Test
    void findsPhoneDigitsWhereverThePhoneIsWrittenAsDigits() {
        assertThat(finder.find("{\"mobile\":\"+8613800138000\"}")).contains("phone digits");
        assertThat(finder.find("tel 13800138000.")).contains("phone digits");
        assertThat(finder.find("mail Ada.Lovelace@Example.org")).isNotEmpty();
    }

    @Test
    void aHexHashThatHappensToHoldThePhoneDigitsIsNotAPhone() {
        String hash = "9f2c" + "13800138000" + "ab77e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c";
        assertThat(hash).hasSizeGreaterThanOrEqualTo(64);
        assertThat(finder.find("prev_hash=" + hash + " hash=" + hash)).isEmpty();
        assertThat(finder.find("ABCDEF" + hash.toUpperCase())).isEmpty();
    }
}
