package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.environment.Patch.Add;
import dev.quarry.agents.environment.Patch.Delete;
import dev.quarry.agents.environment.Patch.Hunk;
import dev.quarry.agents.environment.Patch.Update;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The apply_patch grammar, with the examples and edge cases of Codex's parser.rs and its instructions. */
class PatchParserTest {

    private static Hunk hunk(List<String> contexts, List<String> oldLines, List<String> newLines) {
        return new Hunk(contexts, oldLines, newLines, false);
    }

    @Test
    void parsesTheDocumentedCombinedExample() {
        Patch patch = PatchParser.parse("""
                *** Begin Patch
                *** Add File: hello.txt
                +Hello world
                *** Update File: src/app.py
                *** Move to: src/main.py
                @@ def greet():
                -print("Hi")
                +print("Hello, world!")
                *** Delete File: obsolete.txt
                *** End Patch
                """);

        assertThat(patch.operations()).containsExactly(
                new Add("hello.txt", "Hello world\n"),
                new Update("src/app.py", "src/main.py",
                        List.of(hunk(List.of("def greet():"), List.of("print(\"Hi\")"), List.of("print(\"Hello, world!\")")))),
                new Delete("obsolete.txt"));
    }

    @Test
    void addFileCollectsPlusLinesEachEndingInANewline() {
        Patch patch = PatchParser.parse("*** Begin Patch\n*** Add File: path/add.py\n+abc\n+\n+def\n*** End Patch");

        assertThat(patch.operations()).containsExactly(new Add("path/add.py", "abc\n\ndef\n"));
    }

    @Test
    void addFileWithNoLinesIsAnEmptyFile() {
        assertThat(PatchParser.parse("*** Begin Patch\n*** Add File: empty.txt\n*** End Patch").operations())
                .containsExactly(new Add("empty.txt", ""));
    }

    @Test
    void contextRemovedAddedAndBlankLinesOfAHunk() {
        Patch patch = PatchParser.parse("""
                *** Begin Patch
                *** Update File: f.txt
                @@ change_context

                 context
                -remove
                +add
                 context2
                *** End Patch""");

        assertThat(patch.operations()).containsExactly(new Update("f.txt", null, List.of(hunk(
                List.of("change_context"),
                List.of("", "context", "remove", "context2"),
                List.of("", "context", "add", "context2")))));
    }

    @Test
    void multipleHunksAndEndOfFile_aBlankLineBetweenThemIsAnEmptyContextLineAsInCodex() {
        Patch patch = PatchParser.parse("""
                *** Begin Patch
                *** Update File: multi.txt
                @@
                -line2
                +changed2

                @@ section
                 line8
                -line9
                +changed9
                *** End of File
                *** End Patch
                """);

        Update update = (Update) patch.operations().getFirst();
        assertThat(update.hunks()).containsExactly(
                hunk(List.of(), List.of("line2", ""), List.of("changed2", "")),
                new Hunk(List.of("section"), List.of("line8", "line9"), List.of("line8", "changed9"), true));
    }

    @Test
    void firstHunkMayOmitItsHeader() {
        Patch patch = PatchParser.parse("*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n*** End Patch");

        assertThat(patch.operations()).containsExactly(
                new Update("file2.py", null, List.of(hunk(List.of(), List.of("import foo"), List.of("import foo", "bar")))));
    }

    @Test
    void anUpdateEndsAtTheNextFileHeader() {
        Patch patch = PatchParser.parse("*** Begin Patch\n*** Update File: file.py\n@@\n+line\n*** Add File: other.py\n+content\n*** End Patch");

        assertThat(patch.operations()).containsExactly(
                new Update("file.py", null, List.of(hunk(List.of(), List.of(), List.of("line")))),
                new Add("other.py", "content\n"));
    }

    @Test
    void consecutiveContextHeadersNarrowTheHunk() {
        Patch patch = PatchParser.parse("""
                *** Begin Patch
                *** Update File: a.py
                @@ class BaseClass
                @@ 	 def method():
                -    pass
                +    return 1
                *** End Patch""");

        assertThat(((Update) patch.operations().getFirst()).hunks().getFirst().contexts())
                .containsExactly("class BaseClass", "def method():");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<<EOF", "<<'EOF'", "<<\"EOF\""})
    void aHeredocWrapperIsTakenOff(String opener) {
        Patch patch = PatchParser.parse(opener + "\n*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch\nEOF\n");

        assertThat(patch.operations()).containsExactly(new Delete("gone.txt"));
    }

    @Test
    void aHeredocWithMismatchedQuotesIsNotAPatch() {
        assertThatThrownBy(() -> PatchParser.parse("<<\"EOF'\n*** Begin Patch\n*** Delete File: a\n*** End Patch\nEOF\n"))
                .isInstanceOf(PatchException.class)
                .hasMessage("Invalid patch at line 1: the first line of the patch must be '*** Begin Patch'.");
    }

    @Test
    void aHeredocAroundAnUnfinishedPatchNamesTheMissingEnd() {
        assertThatThrownBy(() -> PatchParser.parse("<<EOF\n*** Begin Patch\n*** Update File: file2.py\nEOF\n"))
                .hasMessage("Invalid patch at line 3: the last line of the patch must be '*** End Patch'.");
    }

    @Test
    void markersMayBePaddedAndLinesMayEndInCrlfWithNoFinalNewline() {
        Patch patch = PatchParser.parse("\n*** Begin Patch \r\n  *** Update File: foo.txt\r\n@@\r\n-old\r\n+new\r\n *** End Patch");

        assertThat(patch.operations()).containsExactly(new Update("foo.txt", null, List.of(hunk(List.of(), List.of("old"), List.of("new")))));
    }

    @Test
    void pathsKeepTheirInnerSpacesAndMayBeAbsolute() {
        Patch patch = PatchParser.parse("*** Begin Patch\n*** Delete File: /abs/my file.txt  \n*** End Patch");

        assertThat(patch.operations()).containsExactly(new Delete("/abs/my file.txt"));
    }

    @Test
    void notAPatchNamesTheFirstLine() {
        assertThatThrownBy(() -> PatchParser.parse("bad"))
                .hasMessage("Invalid patch at line 1: the first line of the patch must be '*** Begin Patch'.");
    }

    @Test
    void aMissingEndMarkerNamesTheLastLine() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\nbad"))
                .hasMessage("Invalid patch at line 2: the last line of the patch must be '*** End Patch'.");
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n"))
                .hasMessage("Invalid patch at line 1: the last line of the patch must be '*** End Patch'.");
    }

    @Test
    void emptyTextAndAPatchWithNoOperationsAreRefused() {
        assertThatThrownBy(() -> PatchParser.parse(" \n\n"))
                .hasMessage("Invalid patch at line 1: the patch is empty; its first line must be '*** Begin Patch'.");
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** End Patch"))
                .hasMessage("Invalid patch at line 2: the patch has no file operations, so no files were modified.");
    }

    @Test
    void anUnknownHeaderIsNamedWithItsLine() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Add File: a\n+x\n*** Frobnicate File: b\n*** End Patch"))
                .hasMessage("Invalid patch at line 4: '*** Frobnicate File: b' is not a valid file operation header. "
                        + "Valid headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'.");
    }

    @Test
    void anUpdateWithoutHunksIsRefused() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: test.py\n*** End Patch"))
                .hasMessage("Invalid patch at line 2: the update of 'test.py' has no hunks.");
    }

    @Test
    void aHeaderWithoutAPathIsRefused() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Add File:\n+x\n*** End Patch"))
                .hasMessage("Invalid patch at line 2: '*** Add File:' needs a path.");
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: a\n*** Move to:  \n@@\n-x\n+y\n*** End Patch"))
                .hasMessage("Invalid patch at line 3: '*** Move to:' needs a path.");
    }

    @Test
    void aHunkWithNoLinesIsRefused() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: a\n@@\n*** End Patch"))
                .hasMessage("Invalid patch at line 4: the hunk has no lines.");
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: a\n@@\n*** End of File\n*** End Patch"))
                .hasMessage("Invalid patch at line 4: the hunk has no lines.");
    }

    @Test
    void aLineWithoutADiffPrefixIsRefused() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: a\n@@\nbad\n*** End Patch"))
                .hasMessage("Invalid patch at line 4: unexpected line in a hunk: 'bad'. "
                        + "Every line should start with ' ' (context line), '+' (added line), or '-' (removed line).");
    }

    @Test
    void aLaterHunkMustStartWithItsHeader() {
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\nstray\n*** End Patch"))
                .hasMessage("Invalid patch at line 6: expected a hunk starting with '@@', got: 'stray'.");
    }

    @Test
    void aPatchOverOneMebibyteIsRefused() {
        String big = "+" + "é".repeat(PatchParser.MAX_BYTES / 2) + "\n";
        assertThatThrownBy(() -> PatchParser.parse("*** Begin Patch\n*** Add File: big.txt\n" + big + "*** End Patch"))
                .hasMessage("Invalid patch: it is larger than 1048576 bytes; split it into smaller patches.");
    }

    @Test
    void aThousandFilesAreAcceptedButNotOneMore() {
        assertThat(PatchParser.parse(deletes(PatchParser.MAX_FILES)).operations()).hasSize(PatchParser.MAX_FILES);
        assertThatThrownBy(() -> PatchParser.parse(deletes(PatchParser.MAX_FILES + 1)))
                .hasMessage("Invalid patch at line 1002: the patch has more than 1000 file operations; split it into smaller patches.");
    }

    private static String deletes(int count) {
        StringBuilder text = new StringBuilder("*** Begin Patch\n");
        for (int i = 0; i < count; i++) text.append("*** Delete File: f").append(i).append('\n');
        return text.append("*** End Patch\n").toString();
    }
}
