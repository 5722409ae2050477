package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Columns stay in line on a terminal whatever script or emoji the cells before them hold. */
class TableWidthTest {

    @Test
    void wideCharactersCombiningMarksAndEmojiKeepTheNextColumnInLine() {
        String rendered = new Table("NAME", "STATUS")
                .row("plain", "a")
                .row("表計算", "b") // three CJK characters: six columns
                .row("team🙂", "c") // an emoji outside the BMP: two UTF-16 units, two columns
                .row("cafe\u0301", "d") // e and a combining acute accent: one column
                .render();
        List<String> lines = rendered.lines().toList();
        int column = DisplayWidth.of(lines.getFirst().substring(0, lines.getFirst().indexOf("STATUS")));
        for (String line : lines.subList(1, 5)) {
            String before = line.substring(0, line.length() - 1);
            assertThat(DisplayWidth.of(before)).as(line).isEqualTo(column);
        }
    }

    @Test
    void widthsAreCountedInColumnsNotUtf16Units() {
        assertThat(DisplayWidth.of("abc")).isEqualTo(3);
        assertThat(DisplayWidth.of("表計算")).isEqualTo(6);
        assertThat(DisplayWidth.of("🙂")).isEqualTo(2);
        assertThat(DisplayWidth.of("e\u0301")).isEqualTo(1);
        assertThat(DisplayWidth.of("ａｂ")).as("fullwidth forms").isEqualTo(4);
        assertThat(DisplayWidth.of("\u200d")).isZero();
    }
}
