package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.Skills;
import dev.quarry.agents.model.AgentSpec;
import java.util.logging.Logger;

/**
 * Lists an agent's skills in its instructions, by name and description, as Codex does: the model
 * reads a skill's whole {@code SKILL.md} only when it calls {@code load_skill}.
 */
final class SkillList {
    private static final Logger LOG = Logger.getLogger(SkillList.class.getName());

    private SkillList() {}

    static AgentSpec withSkills(AgentSpec agent, Skills.Found found, String sessionId) {
        found.errors().forEach(error -> LOG.warning(() -> "session " + sessionId + ": skill " + error.path() + " left out: " + error.message()));
        if (found.skills().isEmpty()) return agent;
        StringBuilder text = new StringBuilder(agent.instructions() == null ? "" : agent.instructions() + "\n\n");
        text.append("## Skills\nThese skills are available. Before a task a skill covers, call load_skill with its name and follow what it says.\n");
        for (Skills.Skill skill : found.skills()) text.append("- ").append(skill.name()).append(": ").append(skill.description()).append('\n');
        return agent.withInstructions(text.toString());
    }
}
