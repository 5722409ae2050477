package dev.quarry.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Whatever a client sends, what is stored fits its column, holds nothing a store refuses, and fits again unchanged. */
class StoredTextTest {

    @Property
    void anyTextFitsItsBoundAndHoldsNothingAStoreRefuses(@ForAll @StringLength(max = 2000) String text, @ForAll @IntRange(min = 1, max = 600) int maxBytes) {
        String stored = StoredText.fit(text, maxBytes);
        assertThat(stored.getBytes(UTF_8).length).isLessThanOrEqualTo(maxBytes);
        assertThat(stored.chars()).noneMatch(c -> Character.isISOControl(c));
        assertThat(new String(stored.getBytes(UTF_8), UTF_8)).as("round-trips through UTF-8 (no unpaired surrogate)").isEqualTo(stored);
        assertThat(StoredText.fit(stored, maxBytes)).isEqualTo(stored);
    }

    @Test
    void cleanTextThatFitsIsKeptAsItIs() {
        String name = "Zoë's agent 🚀 v1.2";
        assertThat(StoredText.fit(name, name.getBytes(UTF_8).length)).isSameAs(name);
        assertThat(StoredText.fit(null, 10)).isNull();
    }

    @Test
    void longTextIsCutAndMarkedWithItsLength() {
        assertThat(StoredText.fit("M".repeat(15_000), 40)).isEqualTo("M".repeat(40 - "…(15000 chars)".getBytes(UTF_8).length) + "…(15000 chars)");
        assertThat(StoredText.fit("🚀".repeat(10), 20)).as("no pair is split").isEqualTo("🚀" + "…(20 chars)");
        assertThat(StoredText.fit("abcdef", 3)).as("no room for the mark").isEqualTo("abc");
    }

    @Test
    void nulControlsAndLoneSurrogatesAreReplaced() {
        assertThat(StoredText.fit("a\0b\u001b[31mc\u0085d\uD800e\uDC00", 100)).isEqualTo("a\uFFFDb\uFFFD[31mc\uFFFDd\uFFFDe\uFFFD");
    }
}
