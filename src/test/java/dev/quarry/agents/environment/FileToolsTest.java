package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's file tools on real files: confinement of every path, bounds, and what the model reads. */
class FileToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** An executor that reports a link to a folder as a folder, as codex exec-server's fs/readDirectory does. */
    private static final class LinksAsTargets extends LocalFilesExecutor {
        @Override
        public List<FileEntry> readDirectory(String path) {
            return super.readDirectory(path).stream().map(e -> new FileEntry(e.name(),
                    e.directory() || Files.isDirectory(Path.of(path, e.name())), false, e.size())).toList();
        }
    }

    private ObjectNode args(String... pairs) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) node.put(pairs[i], pairs[i + 1]);
        return node;
    }

    @Test
    void aListingNeverDescendsIntoALinkThatLeadsOutOfTheWorkspace() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Files.createDirectories(workspace.resolve("src/main"));
        Files.writeString(workspace.resolve("src/main/App.java"), "class App {}");
        Path outside = Files.createDirectories(dir.resolve("secret"));
        Files.writeString(outside.resolve("passwords.txt"), "hunter2");
        Files.createSymbolicLink(workspace.resolve("escape"), outside);
        FileTools tools = new FileTools(workspace.toString(), List.of());
        ObjectNode listing = args("path", ".");
        listing.put("depth", 3);

        String listed = tools.call(new LinksAsTargets(), "list_dir", listing);

        assertThat(listed).contains("src/", "  main/", "    App.java", "escape@").doesNotContain("passwords.txt");
        assertThatThrownBy(() -> tools.call(new LinksAsTargets(), "read_file", args("path", "escape/passwords.txt")))
                .isInstanceOf(FileTools.ToolFailure.class).hasMessage("Path 'escape/passwords.txt' is outside the workspace '" + workspace + "'.");
    }

    @Test
    void readWriteAndRangesStayInTheWorkspace() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        FileTools tools = new FileTools(workspace.toString(), List.of());
        LocalFilesExecutor executor = new LocalFilesExecutor();

        assertThat(tools.call(executor, "write_file", args("path", "a/b/notes.txt", "content", "one\ntwo\nthree\n"))).startsWith("Created a/b/notes.txt");
        ObjectNode range = args("path", "a/b/notes.txt");
        range.put("offset", 2).put("limit", 1);
        assertThat(tools.call(executor, "read_file", range)).isEqualTo("two");
        assertThatThrownBy(() -> tools.call(executor, "write_file", args("path", "../evil.txt", "content", "x")))
                .hasMessageContaining("is outside the workspace");
        assertThat(dir.resolve("evil.txt")).doesNotExist();
        assertThatThrownBy(() -> tools.call(executor, "read_file", args("path", "a")))
                .hasMessage("a is a folder; use list_dir.");
        ObjectNode deep = args("path", ".");
        deep.put("depth", 4);
        assertThatThrownBy(() -> tools.call(executor, "list_dir", deep)).hasMessage("'depth' must be from 1 to 3.");
        assertThatThrownBy(() -> tools.call(executor, "read_file", JSON.createObjectNode())).hasMessage("'path' must be a string.");
    }

    @Test
    void aFileTooLargeToReadIsRefusedWithoutItsContent() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Files.write(workspace.resolve("big.bin"), new byte[FileTools.MAX_FILE_BYTES + 1]);
        Files.write(workspace.resolve("binary.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        FileTools tools = new FileTools(workspace.toString(), List.of());
        assertThatThrownBy(() -> tools.call(new LocalFilesExecutor(), "read_file", args("path", "big.bin")))
                .hasMessageContaining("more than read_file reads");
        assertThatThrownBy(() -> tools.call(new LocalFilesExecutor(), "read_file", args("path", "binary.bin")))
                .hasMessage("binary.bin is not UTF-8 text.");
    }
}
