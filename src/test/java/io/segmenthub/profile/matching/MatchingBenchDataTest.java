package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchingBenchDataTest {

    @Test
    void aMissingDataFolderSaysWhereItLookedAndHowToPointElsewhere(@TempDir Path empty) {
        assertThatThrownBy(() -> MatchingBench.dataFolder(empty.resolve("nowhere").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(empty.resolve("nowhere").toString())
                .hasMessageContaining("-Dbench.data=");
    }
}
