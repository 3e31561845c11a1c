package io.segmenthub.profile;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProbabilisticLinksTest {

    @Test
    void fieldsAreLowerCasedAndAFullNameAloneIsSplit() {
        assertThat(ProbabilisticLinks.fields(Map.of("given_name", "Ada", "family_name", "Lovelace", "city", "London")))
                .containsEntry("given_name", "ada").containsEntry("family_name", "lovelace").containsEntry("city", "london");
        assertThat(ProbabilisticLinks.fields(Map.of("full_name", "Zhang Wei")))
                .containsEntry("given_name", "zhang").containsEntry("family_name", "wei");
        assertThat(ProbabilisticLinks.fields(Map.of("full_name", "王刚")))
                .containsEntry("family_name", "王").containsEntry("given_name", "刚");
        assertThat(ProbabilisticLinks.fields(Map.of("full_name", "Ada Lovelace", "given_name", "Ada")))
                .doesNotContainKey("family_name");
    }

    @Test
    void probabilisticLinksJoinComponentsThatShareNoIndex() {
        var a = facts(1);
        var b = facts(2);
        var c = facts(3);

        var withoutLinks = IdentityResolver.components(List.of(a, b, c), Map.of());
        var withLinks = IdentityResolver.components(List.of(a, b, c), Map.of(), List.<long[]>of(new long[]{1, 3}));

        assertThat(withoutLinks).hasSize(3);
        assertThat(withLinks).hasSize(2);
        assertThat(withLinks.get(0)).extracting(SourceRecordStore.Facts::id).containsExactly(1L, 3L);
    }

    @Test
    void theSettingsBlockAndCompareOnTheHubsOwnAttributes() {
        var settings = ProbabilisticLinks.settings();

        assertThat(settings.comparisons()).extracting(cmp -> cmp.field())
                .contains("given_name", "family_name", "birth_date", "email", "phone", "postcode");
        assertThat(settings.blockingRules()).hasSizeGreaterThanOrEqualTo(6);
    }

    private static SourceRecordStore.Facts facts(long id) {
        return new SourceRecordStore.Facts(id, "crm", "C-" + id, Instant.parse("2026-01-01T00:00:00Z"), List.of("given_name"), List.of(),
                Optional.empty(), "run");
    }
}
