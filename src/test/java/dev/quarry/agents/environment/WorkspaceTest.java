package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path confinement against real files, links and folders in a temporary directory. */
class WorkspaceTest {
    @TempDir
    Path root;

    private final LocalFilesExecutor executor = new LocalFilesExecutor();
    private Path ws;
    private Workspace workspace;

    @BeforeEach
    void setUp() throws IOException {
        root = root.toRealPath();
        ws = Files.createDirectory(root.resolve("ws"));
        Files.writeString(ws.resolve("inside.txt"), "x");
        workspace = Workspace.open(executor, ws.toString());
    }

    private String outside(String path) {
        return "Path '" + path + "' is outside the workspace '" + ws + "'.";
    }

    @Test
    void relativeAndAbsolutePathsInsideResolveToTheirCanonicalForm() {
        assertThat(workspace.resolve("inside.txt")).isEqualTo(ws.resolve("inside.txt").toString());
        assertThat(workspace.resolve(ws + "/inside.txt")).isEqualTo(ws.resolve("inside.txt").toString());
        assertThat(workspace.resolve("./sub/../inside.txt")).isEqualTo(ws.resolve("inside.txt").toString());
        assertThat(workspace.resolve(".")).isEqualTo(ws.toString());
    }

    @Test
    void aNewFileInNewFoldersIsAccepted() {
        assertThat(workspace.resolve("a/b/c.txt")).isEqualTo(ws + "/a/b/c.txt");
    }

    @Test
    void dotDotOutOfTheWorkspaceIsRefused() {
        assertThatThrownBy(() -> workspace.resolve("../../etc/passwd"))
                .isInstanceOf(WorkspaceException.class)
                .hasMessage(outside("../../etc/passwd"));
    }

    @Test
    void anAbsolutePathOutsideIsRefused() {
        assertThatThrownBy(() -> workspace.resolve("/etc/passwd")).hasMessage(outside("/etc/passwd"));
        assertThatThrownBy(() -> workspace.resolve("/")).hasMessage(outside("/"));
    }

    @Test
    void aSymlinkToEtcIsRefused() throws IOException {
        Files.createSymbolicLink(ws.resolve("etc"), Path.of("/etc"));

        assertThatThrownBy(() -> workspace.resolve("etc/passwd")).hasMessage(outside("etc/passwd"));
        assertThatThrownBy(() -> workspace.resolve("etc")).hasMessage(outside("etc"));
        assertThatThrownBy(() -> workspace.resolve("etc/new-file-that-does-not-exist")).hasMessage(outside("etc/new-file-that-does-not-exist"));
    }

    @Test
    void aNewFileUnderASymlinkedParentOutsideIsRefused() throws IOException {
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.createSymbolicLink(ws.resolve("out"), elsewhere);

        assertThatThrownBy(() -> workspace.resolve("out/new/dir/file.txt")).hasMessage(outside("out/new/dir/file.txt"));
    }

    @Test
    void aDanglingSymlinkIsRefusedBecauseAWriteThroughItCouldLandAnywhere() throws IOException {
        Files.createSymbolicLink(ws.resolve("dangling"), root.resolve("not-yet"));

        assertThatThrownBy(() -> workspace.resolve("dangling")).hasMessage(outside("dangling"));
        assertThatThrownBy(() -> workspace.resolve("dangling/x.txt")).hasMessage(outside("dangling/x.txt"));
    }

    @Test
    void aSymlinkThatStaysInsideResolvesToItsTarget() throws IOException {
        Files.createDirectory(ws.resolve("real"));
        Files.createSymbolicLink(ws.resolve("alias"), ws.resolve("real"));

        assertThat(workspace.resolve("alias/new.txt")).isEqualTo(ws + "/real/new.txt");
    }

    @Test
    void aSiblingFolderSharingTheWorkspaceNameAsPrefixIsOutside() throws IOException {
        Path evil = Files.createDirectory(root.resolve("ws-evil"));
        Files.writeString(evil.resolve("loot.txt"), "x");

        assertThatThrownBy(() -> workspace.resolve("../ws-evil/loot.txt")).hasMessage(outside("../ws-evil/loot.txt"));
        assertThatThrownBy(() -> workspace.resolve(evil + "/loot.txt")).hasMessage(outside(evil + "/loot.txt"));
        assertThatThrownBy(() -> workspace.resolve(root + "/ws-evil/new.txt")).hasMessage(outside(root + "/ws-evil/new.txt"));
    }

    @Test
    void aWorkspaceReachedThroughALinkConfinesToItsTarget() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("ws-link"), ws);
        Workspace linked = Workspace.open(executor, link.toString());

        assertThat(linked.canonicalDirectory()).isEqualTo(ws.toString());
        assertThat(linked.resolve("inside.txt")).isEqualTo(ws + "/inside.txt");
        assertThat(linked.resolve(link + "/inside.txt")).isEqualTo(ws + "/inside.txt");
        assertThatThrownBy(() -> linked.resolve("../x"))
                .hasMessage("Path '../x' is outside the workspace '" + link + "'.");
    }

    @Test
    void emptyNulAndOverlongPathsAreRefused() {
        assertThatThrownBy(() -> workspace.resolve("")).isInstanceOf(WorkspaceException.class).hasMessage("Path is empty.");
        assertThatThrownBy(() -> workspace.resolve(null)).hasMessage("Path is empty.");
        assertThatThrownBy(() -> workspace.resolve("a\0b")).hasMessage("Path contains a NUL character.");
        assertThatThrownBy(() -> workspace.resolve("a/".repeat(2049))).hasMessage("Path is longer than 4096 characters.");
        assertThat(workspace.resolve("a".repeat(255))).endsWith("/" + "a".repeat(255));
    }

    @Test
    void aWorkspaceMustBeAbsoluteAndExist() {
        assertThatThrownBy(() -> Workspace.open(executor, "relative/ws")).hasMessage("Workspace 'relative/ws' is not an absolute path.");
        assertThatThrownBy(() -> Workspace.open(executor, root + "/missing"))
                .hasMessage("Workspace '" + root + "/missing' does not exist on the executor.");
    }

    @Test
    void normalizeWorksOnTextAlone() {
        assertThat(Workspace.normalize("/a//b/./c/../d/")).isEqualTo("/a/b/d");
        assertThat(Workspace.normalize("/../../x")).isEqualTo("/x");
        assertThat(Workspace.normalize("/")).isEqualTo("/");
    }
}
