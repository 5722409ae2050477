package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.environment.Skills.Skill;
import dev.quarry.agents.environment.Skills.SkillError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scanning real capability directories; every malformed skill is reported while the good ones load. */
class SkillsTest {
    @TempDir
    Path root;

    private final LocalFilesExecutor executor = new LocalFilesExecutor();
    private Path caps;

    @BeforeEach
    void setUp() throws IOException {
        caps = Files.createDirectory(root.toRealPath().resolve("caps"));
    }

    private String skill(Path dir, String folder, String content) throws IOException {
        Path file = Files.createDirectories(dir.resolve(folder)).resolve("SKILL.md");
        Files.writeString(file, content);
        return file.toString();
    }

    private Skills.Found scan(Path... dirs) {
        return Skills.scan(executor, List.of(dirs).stream().map(Path::toString).toList());
    }

    @Test
    void aGoodSkillLoadsWithQuotedValuesUnquotedAndOtherKeysIgnored() throws IOException {
        String path = skill(caps, "pdf-tools", """
                ---
                name: "pdf-tools"
                description: 'Fills PDF forms; it''s quick.'
                license: MIT
                metadata:
                  short-description: ignored
                ---

                # Body that is not read now
                """);

        Skills.Found found = scan(caps);

        assertThat(found.errors()).isEmpty();
        assertThat(found.skills()).containsExactly(new Skill("pdf-tools", "Fills PDF forms; it's quick.", path));
    }

    @Test
    void aBlockScalarDescriptionIsCollapsedToOneLineAsCodexDoes() throws IOException {
        skill(caps, "demo", "---\nname: demo\ndescription: |-\n  does things\n  carefully\n---\n");

        assertThat(scan(caps).skills()).extracting(Skill::description).containsExactly("does things carefully");
    }

    @Test
    void malformedSkillsAreReportedAndTheOthersStillLoad() throws IOException {
        skill(caps, "good", "---\nname: good\ndescription: Works.\n---\n");
        String unclosed = skill(caps, "unclosed", "---\nname: unclosed\ndescription: never closed\n");
        String noFrontMatter = skill(caps, "plain", "# Just markdown\n");
        String mismatch = skill(caps, "folder-name", "---\nname: other-name\ndescription: d\n---\n");
        String noDescription = skill(caps, "nodesc", "---\nname: nodesc\n---\n");
        String badName = skill(caps, "Bad_Name", "---\nname: Bad_Name\ndescription: d\n---\n");
        String notKeyValue = skill(caps, "garbled", "---\nname: garbled\njust words\ndescription: d\n---\n");
        String oversized = skill(caps, "huge", "---\nname: huge\ndescription: d\n---\n" + "x".repeat(Skills.MAX_SKILL_BYTES));
        String longDescription = skill(caps, "wordy", "---\nname: wordy\ndescription: " + "💡".repeat(1025) + "\n---\n");
        skill(caps, "longest", "---\nname: longest\ndescription: " + "💡".repeat(1024) + "\n---\n");

        Skills.Found found = scan(caps);

        assertThat(found.skills()).extracting(Skill::name).containsExactly("good", "longest");
        assertThat(found.errors()).containsExactlyInAnyOrder(
                new SkillError(unclosed, "missing front matter delimited by ---"),
                new SkillError(noFrontMatter, "missing front matter delimited by ---"),
                new SkillError(mismatch, "invalid name: 'other-name' does not match its folder 'folder-name'"),
                new SkillError(noDescription, "missing field `description`"),
                new SkillError(badName, "invalid name: 'Bad_Name' must be 1 to 64 lowercase letters, digits or hyphens"),
                new SkillError(notKeyValue, "front matter line 3 is not 'key: value'"),
                new SkillError(oversized, "SKILL.md is larger than 65536 bytes"),
                new SkillError(longDescription, "invalid description: exceeds maximum length of 1024 characters"));
    }

    @Test
    void hiddenFoldersLinksFilesAndFoldersWithoutSkillMdArePassedOver() throws IOException {
        skill(caps, ".hidden", "---\nname: .hidden\ndescription: d\n---\n");
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        skill(elsewhere, "linked", "---\nname: linked\ndescription: d\n---\n");
        Files.createSymbolicLink(caps.resolve("linked"), elsewhere.resolve("linked"));
        Files.writeString(caps.resolve("README.md"), "not a skill");
        Files.createDirectories(caps.resolve("assets"));

        Skills.Found found = scan(caps);

        assertThat(found.skills()).isEmpty();
        assertThat(found.errors()).isEmpty();
    }

    @Test
    void aMissingDirectoryIsAnErrorAndTheNextDirectoryStillLoads() throws IOException {
        Path second = Files.createDirectory(root.toRealPath().resolve("second"));
        skill(second, "zeta", "---\nname: zeta\ndescription: last\n---\n");
        skill(second, "alpha", "---\nname: alpha\ndescription: first\n---\n");

        Skills.Found found = scan(root.resolve("missing"), second);

        assertThat(found.skills()).extracting(Skill::name).containsExactly("alpha", "zeta");
        assertThat(found.errors()).singleElement().satisfies(error -> {
            assertThat(error.path()).isEqualTo(root.resolve("missing").toString());
            assertThat(error.message()).startsWith("cannot list the capability directory: ");
        });
    }

    @Test
    void theFirstSkillOfANameWinsAndTheSecondIsReported() throws IOException {
        Path second = Files.createDirectory(root.toRealPath().resolve("second"));
        String first = skill(caps, "dup", "---\nname: dup\ndescription: from caps\n---\n");
        String later = skill(second, "dup", "---\nname: dup\ndescription: from second\n---\n");

        Skills.Found found = scan(caps, second);

        assertThat(found.skills()).containsExactly(new Skill("dup", "from caps", first));
        assertThat(found.errors()).containsExactly(new SkillError(later, "a skill named 'dup' is already loaded from " + first));
    }

    @Test
    void aRelativeDirectoryIsAnErrorAndMoreThan32DirectoriesAreRefused() {
        assertThat(Skills.scan(executor, List.of("relative/caps")).errors())
                .containsExactly(new SkillError("relative/caps", "capability directory is not an absolute path"));
        assertThatThrownBy(() -> Skills.scan(executor, Collections.nCopies(33, caps.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("At most 32 capability directories, got 33");
    }

    @Test
    void aNonUtf8SkillIsReported() throws IOException {
        Path file = Files.createDirectories(caps.resolve("binary")).resolve("SKILL.md");
        Files.write(file, new byte[] {'-', '-', '-', '\n', (byte) 0xc3, '\n'});

        assertThat(scan(caps).errors()).containsExactly(new SkillError(file.toString(), "SKILL.md is not UTF-8 text"));
    }
}
