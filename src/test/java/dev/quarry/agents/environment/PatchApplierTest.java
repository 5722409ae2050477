package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.environment.PatchApplier.Change;
import dev.quarry.agents.environment.PatchApplier.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying patches to real files. Most cases are Codex's apply-patch scenarios
 * (tests/fixtures/scenarios/0NN_*), with the result Codex expects.
 */
class PatchApplierTest {
    @TempDir
    Path root;

    private LocalFilesExecutor executor = new LocalFilesExecutor();
    private Path ws;

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectory(root.toRealPath().resolve("ws"));
    }

    private PatchApplier.Result apply(String patch) {
        return new PatchApplier(executor, Workspace.open(executor, ws.toString())).apply(PatchParser.parse(patch));
    }

    private void write(String path, String content) throws IOException {
        Path file = ws.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private String read(String path) throws IOException {
        return Files.readString(ws.resolve(path));
    }

    @Test
    void addsAFileInNewFolders_001() throws IOException {
        PatchApplier.Result result = apply("*** Begin Patch\n*** Add File: nested/dir/bar.md\n+This is a new file\n*** End Patch\n");

        assertThat(read("nested/dir/bar.md")).isEqualTo("This is a new file\n");
        assertThat(result.changes()).containsExactly(new Change(ws + "/nested/dir/bar.md", Kind.ADD, null));
        assertThat(result.summary()).isEqualTo("Success. Updated the following files:\nA nested/dir/bar.md\n");
    }

    @Test
    void multipleOperationsAndTheSummaryListsAddsThenUpdatesThenDeletes_002() throws IOException {
        write("delete.txt", "obsolete\n");
        write("modify.txt", "line1\nline2\n");

        PatchApplier.Result result = apply("""
                *** Begin Patch
                *** Delete File: delete.txt
                *** Update File: modify.txt
                @@
                -line2
                +changed
                *** Add File: nested/new.txt
                +created
                *** End Patch
                """);

        assertThat(ws.resolve("delete.txt")).doesNotExist();
        assertThat(read("modify.txt")).isEqualTo("line1\nchanged\n");
        assertThat(read("nested/new.txt")).isEqualTo("created\n");
        assertThat(result.summary()).isEqualTo("Success. Updated the following files:\nA nested/new.txt\nM modify.txt\nD delete.txt\n");
        assertThat(result.changes()).extracting(Change::kind).containsExactly(Kind.DELETE, Kind.UPDATE, Kind.ADD);
        assertThat(Kind.DELETE.wireName()).isEqualTo("delete");
    }

    @Test
    void multipleHunksInOneFile_003() throws IOException {
        write("multi.txt", "line1\nline2\nline3\nline4\n");

        apply("*** Begin Patch\n*** Update File: multi.txt\n@@\n-line2\n+changed2\n@@\n-line4\n+changed4\n*** End Patch\n");

        assertThat(read("multi.txt")).isEqualTo("line1\nchanged2\nline3\nchanged4\n");
    }

    @Test
    void movesToANewFolder_004_andOverwritesAnExistingDestination_010() throws IOException {
        write("old/name.txt", "old content\n");
        write("old/other.txt", "unrelated\n");
        write("renamed/dir/taken.txt", "existing\n");

        PatchApplier.Result result = apply("""
                *** Begin Patch
                *** Update File: old/name.txt
                *** Move to: renamed/dir/taken.txt
                @@
                -old content
                +new content
                *** End Patch
                """);

        assertThat(ws.resolve("old/name.txt")).doesNotExist();
        assertThat(read("renamed/dir/taken.txt")).isEqualTo("new content\n");
        assertThat(read("old/other.txt")).isEqualTo("unrelated\n");
        assertThat(result.changes()).containsExactly(new Change(ws + "/old/name.txt", Kind.MOVE, ws + "/renamed/dir/taken.txt"));
        assertThat(result.summary()).isEqualTo("Success. Updated the following files:\nM renamed/dir/taken.txt\n");
    }

    @Test
    void missingContextChangesNothing_006() throws IOException {
        write("modify.txt", "line1\nline2\n");

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: modify.txt\n@@\n-missing\n+changed\n*** End Patch"))
                .isInstanceOf(PatchException.class)
                .hasMessage("Failed to find expected lines in modify.txt (hunk 1 of 1):\nmissing\nNo files were modified.");
        assertThat(read("modify.txt")).isEqualTo("line1\nline2\n");
    }

    @Test
    void deletingOrUpdatingAMissingFileFails_007_009() {
        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch"))
                .hasMessage("No such file: missing.txt. No files were modified.");
        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch"))
                .hasMessage("No such file: missing.txt. No files were modified.");
    }

    @Test
    void addOverwritesAnExistingFile_011() throws IOException {
        write("duplicate.txt", "old content\n");

        apply("*** Begin Patch\n*** Add File: duplicate.txt\n+new content\n*** End Patch");

        assertThat(read("duplicate.txt")).isEqualTo("new content\n");
    }

    @Test
    void deletingAFolderFails_012() throws IOException {
        write("dir/foo.txt", "stay\n");

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Delete File: dir\n*** End Patch"))
                .hasMessage("dir is a folder, not a file. No files were modified.");
        assertThat(read("dir/foo.txt")).isEqualTo("stay\n");
    }

    @Test
    void anUpdatedFileEndsWithANewline_014() throws IOException {
        write("no_newline.txt", "no newline at end");

        apply("*** Begin Patch\n*** Update File: no_newline.txt\n@@\n-no newline at end\n+first line\n+second line\n*** End Patch");

        assertThat(read("no_newline.txt")).isEqualTo("first line\nsecond line\n");
    }

    @Test
    void aPureAdditionIsAppendedAtTheEnd_016() throws IOException {
        write("input.txt", "line1\nline2\nline3\n");

        apply("*** Begin Patch\n*** Update File: input.txt\n@@\n+added line 1\n+added line 2\n*** End Patch");

        assertThat(read("input.txt")).isEqualTo("line1\nline2\nline3\nadded line 1\nadded line 2\n");
    }

    @Test
    void typographicPunctuationMatchesItsAsciiForm_019() throws IOException {
        write("foo.txt", "import asyncio  # local import – avoids top‑level dep\n");

        apply("*** Begin Patch\n*** Update File: foo.txt\n@@\n-import asyncio  # local import - avoids top-level dep\n+import asyncio  # HELLO\n*** End Patch");

        assertThat(read("foo.txt")).isEqualTo("import asyncio  # HELLO\n");
    }

    @Test
    void deletionOnlyAndEndOfFile_021_022() throws IOException {
        write("lines.txt", "line1\nline2\nline3\n");
        write("tail.txt", "first\nsecond\nlast\n");

        apply("""
                *** Begin Patch
                *** Update File: lines.txt
                @@
                 line1
                -line2
                 line3
                *** Update File: tail.txt
                @@
                -last
                +end
                *** End of File
                *** End Patch
                """);

        assertThat(read("lines.txt")).isEqualTo("line1\nline3\n");
        assertThat(read("tail.txt")).isEqualTo("first\nsecond\nend\n");
    }

    @Test
    void anEndOfFileHunkMustMatchAtTheEnd() throws IOException {
        write("tail.txt", "x\ny\nx\nz\n");

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: tail.txt\n@@\n-x\n+X\n*** End of File\n*** End Patch"))
                .hasMessageStartingWith("Failed to find expected lines in tail.txt");
        apply("*** Begin Patch\n*** Update File: tail.txt\n@@\n-z\n+Z\n*** End of File\n*** End Patch");
        assertThat(read("tail.txt")).isEqualTo("x\ny\nx\nZ\n");
    }

    @Test
    void contextHeadersNarrowWhereTheHunkApplies() throws IOException {
        write("a.py", "class A:\n    def f():\n        pass\nclass B:\n    def f():\n        pass\n");

        apply("*** Begin Patch\n*** Update File: a.py\n@@ class B:\n@@     def f():\n-        pass\n+        return 2\n*** End Patch");

        assertThat(read("a.py")).isEqualTo("class A:\n    def f():\n        pass\nclass B:\n    def f():\n        return 2\n");
    }

    @Test
    void aMissingContextHeaderIsNamed() throws IOException {
        write("a.py", "def f():\n    pass\n");

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: a.py\n@@ def g():\n-    pass\n+    return 1\n*** End Patch"))
                .hasMessage("Failed to find context 'def g():' in a.py (hunk 1 of 1). No files were modified.");
    }

    @Test
    void trailingThenSurroundingWhitespaceIsForgiven_andTheMatchedLinesTakeThePatchsFormAsInCodex() throws IOException {
        write("ws.txt", "alpha   \n\t  beta\t\ngamma\nomega  \n");

        apply("*** Begin Patch\n*** Update File: ws.txt\n@@\n alpha\n-beta\n+BETA\n gamma\n*** End Patch");

        assertThat(read("ws.txt")).isEqualTo("alpha\nBETA\ngamma\nomega  \n");
    }

    @Test
    void anExactMatchWinsOverAnEarlierFuzzyOne() throws IOException {
        write("f.txt", "value  \nvalue\n");

        apply("*** Begin Patch\n*** Update File: f.txt\n@@\n-value\n+changed\n*** End Patch");

        assertThat(read("f.txt")).isEqualTo("value  \nchanged\n");
    }

    @Test
    void hunksApplyInOrderSoARepeatedLineIsFoundAfterThePreviousHunk() throws IOException {
        write("f.txt", "x\nmarker\nx\n");

        apply("*** Begin Patch\n*** Update File: f.txt\n@@\n-marker\n+MARKER\n@@\n-x\n+second x\n*** End Patch");

        assertThat(read("f.txt")).isEqualTo("x\nMARKER\nsecond x\n");
    }

    @Test
    void aFailingSecondHunkLeavesEveryFileUntouched() throws IOException {
        write("first.txt", "one\ntwo\n");
        write("second.txt", "three\nfour\nfive\nsix\n");
        write("gone.txt", "keep me\n");

        assertThatThrownBy(() -> apply("""
                *** Begin Patch
                *** Add File: brand/new.txt
                +new
                *** Update File: first.txt
                @@
                -one
                +ONE
                *** Delete File: gone.txt
                *** Update File: second.txt
                @@
                -three
                +THREE
                @@
                -not in the file
                -nor this
                -nor this
                -nor this either
                +x
                *** End Patch
                """))
                .isInstanceOf(PatchException.class)
                .hasMessage("Failed to find expected lines in second.txt (hunk 2 of 2):\nnot in the file\nnor this\nnor this\n…\nNo files were modified.")
                .satisfies(e -> assertThat(((PatchException) e).applied()).isEmpty());

        assertThat(executor.mutations).hasValue(0);
        assertThat(read("first.txt")).isEqualTo("one\ntwo\n");
        assertThat(read("second.txt")).isEqualTo("three\nfour\nfive\nsix\n");
        assertThat(read("gone.txt")).isEqualTo("keep me\n");
        assertThat(ws.resolve("brand")).doesNotExist();
    }

    @Test
    void aPathOutsideTheWorkspaceRefusesTheWholePatch() throws IOException {
        write("a.txt", "a\n");

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: ../escape.txt\n+x\n*** End Patch"))
                .isInstanceOf(WorkspaceException.class)
                .hasMessage("Path '../escape.txt' is outside the workspace '" + ws + "'.");
        assertThat(executor.mutations).hasValue(0);
        assertThat(read("a.txt")).isEqualTo("a\n");
    }

    @Test
    void aMoveIntoASymlinkOutsideIsRefused() throws IOException {
        write("a.txt", "a\n");
        Path outside = Files.createDirectory(root.toRealPath().resolve("outside"));
        Files.createSymbolicLink(ws.resolve("out"), outside);

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: a.txt\n*** Move to: out/a.txt\n@@\n-a\n+b\n*** End Patch"))
                .isInstanceOf(WorkspaceException.class);
        assertThat(outside.resolve("a.txt")).doesNotExist();
        assertThat(read("a.txt")).isEqualTo("a\n");
    }

    @Test
    void aFileKeepsItsCrlfLineEndings() throws IOException {
        write("win.txt", "one\r\ntwo\r\nthree\r\n");
        write("unix.txt", "one\ntwo\n");

        apply("""
                *** Begin Patch
                *** Update File: win.txt
                @@
                 one
                -two
                +TWO
                +two and a half
                *** Update File: unix.txt
                @@
                -two
                +TWO
                *** End Patch
                """);

        assertThat(read("win.txt")).isEqualTo("one\r\nTWO\r\ntwo and a half\r\nthree\r\n");
        assertThat(read("unix.txt")).isEqualTo("one\nTWO\n");
    }

    @Test
    void laterOperationsSeeWhatEarlierOnesWrite() throws IOException {
        apply("""
                *** Begin Patch
                *** Add File: f.txt
                +draft
                *** Update File: f.txt
                @@
                -draft
                +final
                *** End Patch
                """);

        assertThat(read("f.txt")).isEqualTo("final\n");
        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Delete File: f.txt\n*** Update File: f.txt\n@@\n-final\n+x\n*** End Patch"))
                .hasMessage("No such file: f.txt (an earlier part of the patch removes it).");
        assertThat(read("f.txt")).isEqualTo("final\n");
    }

    @Test
    void aNonUtf8FileIsNotEdited() throws IOException {
        Files.write(ws.resolve("bin.dat"), new byte[] {(byte) 0xff, (byte) 0xfe, '\n'});

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: bin.dat\n@@\n-x\n+y\n*** End Patch"))
                .hasMessage("bin.dat is not UTF-8 text; apply_patch edits text files only. No files were modified.");
    }

    @Test
    void aWriteRefusedHalfWayReportsWhatWasAlreadyApplied() throws IOException {
        write("a.txt", "a\n");
        write("b.txt", "b\n");
        executor = new LocalFilesExecutor() {
            @Override
            public void writeFile(String path, byte[] content) {
                if (path.endsWith("/b.txt")) throw new ExecutorException.Refused("Permission denied: " + path);
                super.writeFile(path, content);
            }
        };

        assertThatThrownBy(() -> apply("*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+A\n*** Update File: b.txt\n@@\n-b\n+B\n*** End Patch"))
                .isInstanceOf(PatchException.class)
                .hasMessage("Applied 1 of 2 file changes, then the executor refused one: Permission denied: " + ws + "/b.txt")
                .satisfies(e -> assertThat(((PatchException) e).applied()).containsExactly(new Change(ws + "/a.txt", Kind.UPDATE, null)));
        assertThat(Files.readString(ws.resolve("a.txt"), StandardCharsets.UTF_8)).isEqualTo("A\n");
    }

    @Test
    void aBlankLineBetweenHunksStillMatchesAtTheEndOfTheFile() throws IOException {
        write("f.txt", "a\nb\n");

        apply("*** Begin Patch\n*** Update File: f.txt\n@@\n-b\n+B\n\n*** End Patch");

        assertThat(read("f.txt")).isEqualTo("a\nB\n");
        assertThat(List.of(read("f.txt").split("\n"))).hasSize(2);
    }

    @Test
    void aPatchThatWouldReadMoreThanItsAllowanceOfFilesChangesNothing() throws IOException {
        StringBuilder patch = new StringBuilder("*** Begin Patch\n");
        int files = (int) (PatchApplier.MAX_PATCH_BYTES / PatchApplier.MAX_FILE_BYTES) + 1;
        for (int i = 0; i < files; i++) {
            try (var file = new java.io.RandomAccessFile(ws.resolve("big" + i + ".txt").toFile(), "rw")) {
                file.setLength(PatchApplier.MAX_FILE_BYTES); // sparse: no disk, but every byte is read
            }
            patch.append("*** Delete File: big").append(i).append(".txt\n");
        }

        assertThatThrownBy(() -> apply(patch.append("*** End Patch\n").toString())).isInstanceOf(PatchException.class)
                .hasMessageContaining("No files were modified");
        assertThat(ws.resolve("big0.txt")).exists();
    }
}
