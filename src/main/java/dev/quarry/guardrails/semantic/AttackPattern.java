package dev.quarry.guardrails.semantic;

import static dev.quarry.guardrails.detect.Confidence.HIGH;
import static dev.quarry.guardrails.detect.Confidence.LOW;
import static dev.quarry.guardrails.detect.Confidence.MEDIUM;

import dev.quarry.guardrails.detect.Confidence;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The wordings of known jailbreak and prompt-injection techniques, matched against a prompt's
 * {@link Readings} (lower case, disguises undone). Each says how sure a match alone makes us: HIGH
 * for wordings with no everyday use ("ignore all previous instructions", a chat-template
 * token), MEDIUM for wordings an ordinary text rarely has, LOW for wordings that are usually
 * harmless ("from now on, answer as a pirate") and only count beside other evidence.
 *
 * <p>Each pattern is checked ({@code AttackPatternTest}) against the kind of benign prompt that
 * shares its words: a user correcting themselves ("ignore my last message"), code that ignores
 * things, developer mode on a phone, questions about system prompts.
 */
enum AttackPattern {
    INSTRUCTION_OVERRIDE("instruction override", HIGH,
            // "my instructions" is left out: users take back their own requests all the time.
            W.OVERRIDE + "\\s+(?:(?:all|any|every)\\s+(?:of\\s+)?(?:(?:your|ur|the|these|those)\\s+)?" + W.ADJECTIVES
                    + "|(?:your|ur|these|those)\\s+" + W.ADJECTIVES + "|(?:the\\s+)?" + W.ADJECTIVE + "\\s+" + W.ADJECTIVES + ")"
                    + W.RULES,
            W.OVERRIDE + "\\s+(?:all\\s+of\\s+|everything\\s+)?(?:the\\s+)?(?:above|preceding)(?:\\s+(?:text|content|context))?\\s*(?:and\\b|[,.;:!]|$)",
            "\\b(?:ignore|disregard|forget)\\s+(?:everything|all|anything)\\s+(?:you\\s+(?:were|have\\s+been)\\s+(?:told|given)|(?:that\\s+)?(?:is\\s+|was\\s+)?(?:above|before\\s+this))"),
    RULES_REVOKED("rules declared void", MEDIUM,
            "(?:\\b(?:your|the\\s+assistant'?s|the\\s+model'?s|all|previous|prior|earlier|above|safety|content)\\s+(?:\\w+\\s+)?" + W.RULES
                    + "|\\b(?:instructions|rules|guidelines)\\s+you\\s+(?:were|have\\s+been)\\s+given)"
                    + "[^.!?\\n]{0,40}?\\b(?:no\\s+longer\\s+apply|(?:are|is|were|was|have\\s+been|has\\s+been)\\s+(?:now\\s+)?"
                    + "(?:void|null|cancell?ed|revoked|suspended|disabled|lifted|removed|deactivated|turned\\s+off|off))\\b"),
    NEW_INSTRUCTIONS("new instructions", MEDIUM,
            "\\b(?:new|real|actual|updated|true)\\s+(?:instructions|rules|orders|directives)\\s*(?::|\\bare\\b|\\bnow\\b)"),
    DO_ANYTHING_NOW("DAN jailbreak", HIGH,
            "\\bdo\\s+anything\\s+now\\b",
            "\\b(?:you\\s+are|you're|act\\s+as|become|pretend\\s+to\\s+be|called|named|known\\s+as)\\s+(?:now\\s+)?(?:an?\\s+)?dan\\b",
            "\\bdan\\s+mode\\b"),
    UNRESTRICTED_MODE("unrestricted mode", HIGH,
            "\\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|god|dan)\\s+mode\\b",
            // Developer mode is also a setting of phones and browsers; only the AI sense talks of content.
            "\\b(?:developer|admin|debug)\\s+mode\\b(?=[^\\n]{0,80}\\b(?:content|filter|polic|censor|restrict|refus|rules|guidelines|two\\s+responses))"),
    UNRESTRICTED_PERSONA("persona without restrictions", HIGH,
            "\\b(?:uncensored|unfiltered|unrestricted|jailbroken|unaligned|unmoderated|amoral)\\s+(?:ai|assistant|model|chatbot|bot|version|gpt|llm|alter\\s+ego)\\b",
            "\\b(?:pretend|imagine|act|behave|respond|answer|role-?\\s?play|you\\s+are|you're|become)\\b[^.!?\\n]{0,60}" + W.UNBOUND,
            "\\b(?:ai|assistant|chatbot|model|bot)\\s+(?:that|which|who|with)\\b[^.!?\\n]{0,40}" + W.UNBOUND),
    PROMPT_EXTRACTION("system prompt extraction", HIGH,
            W.REVEAL + "(?:your|ur)\\s+(?:\\w+\\s+){0,2}(?:" + W.SECRET + "|" + W.SYSTEM + ")",
            W.REVEAL + "the\\s+(?:\\w+\\s+){0,2}" + W.SECRET + "\\s+(?:that\\s+)?you\\s+(?:were|have\\s+been|received|got)\\b",
            "\\bwhat\\s+(?:is|are|was|were)\\s+(?:your|ur)\\s+(?:" + W.SECRET + "|" + W.SYSTEM + ")",
            "\\bwhat\\s+(?:instructions|rules|prompt)\\s+(?:were|have)\\s+you\\s+(?:been\\s+)?given\\b",
            "\\b(?:repeat|print|output|show|display|copy|type\\s+out)\\s+(?:me\\s+)?(?:all\\s+)?(?:of\\s+)?(?:everything|(?:the|all\\s+the)\\s+(?:text|words|messages?|content|lines))"
                    + "\\s+(?:(?:that\\s+)?(?:appears?|was|is|came|written)\\s+)?(?:above|before)\\b"),
    PROMPT_REQUEST("request for the system prompt", MEDIUM,
            // "the system prompt" may be the user's own, in code that prints it; "your" is never.
            W.REVEAL + "the\\s+(?:\\w+\\s+){0,2}" + W.SYSTEM),
    CHAT_TEMPLATE_TOKEN("chat template token", HIGH,
            "<\\|im_start\\|>\\s*system|<\\|(?:system|assistant)\\|>|\\[/?inst]|<</?sys>>|</?(?:system|sys)>|</user>|<\\|endoftext\\|>",
            "(?m)^\\s*#{2,}\\s*(?:system|admin|developer)(?:\\s+(?:prompt|message|override))?\\s*[:#]"),
    ROLE_LABEL("fake system label", MEDIUM,
            // A label alone ("System: Ubuntu 22.04" in a bug report) is not enough; it must give orders.
            "(?m)(?:^|(?<=[.!?'\"] ))\\s*\\[?\\s*(?:system|admin|administrator|developer|operator)(?:\\s+(?:message|override|prompt|note|notice|instruction))?\\s*[\\]:]"
                    + "[^\\n]{0,80}?\\b(?:you|assistant|ai|model|must|override|ignore|disable|enabled|mode|polic|rules|restrictions|instructions)"),
    ENCODED_INSTRUCTION("encoded instruction", HIGH,
            "\\b(?:decode|decipher|decrypt|unscramble)\\b[^.!?\\n]{0,60}\\b(?:and|then)\\s+(?:follow|execute|obey|do|run|carry\\s+out|perform|comply|act\\s+on)\\b",
            "\\bconvert\\b[^.!?\\n]{0,30}\\b(?:hex|base64|binary|rot13|morse)\\b[^.!?\\n]{0,30}\\b(?:and|then)\\s+(?:follow|execute|obey|run|carry\\s+out|perform)\\b",
            "\\b(?:follow|execute|obey|run|carry\\s+out|perform|do)\\b[^.!?\\n]{0,40}\\b(?:after|once|when)\\s+(?:you\\s+)?(?:decod|decipher|decrypt)\\w*",
            "\\b(?:follow|execute|obey|carry\\s+out)\\s+(?:this|these|the\\s+following|the)\\s+(?:base64|rot13|hex|encoded|encrypted|obfuscated|ciphered|reversed)\\b"),
    PAYLOAD_SPLITTING("payload splitting", HIGH,
            "\\b(?:combine|concatenate|join|put|merge|assemble)\\s+(?:the\\s+|these\\s+|those\\s+|all\\s+)?(?:\\w+\\s+)?(?:words|parts|strings|fragments|pieces|halves|letters|variables|segments)\\b"
                    + "[^.!?\\n]{0,30}\\b(?:and|then)\\s+(?:follow|execute|do|obey|perform|carry\\s+out|run|act\\s+on)\\b",
            "\\b(?:combine|concatenate|join|merge)\\s+(?:them\\s+|it\\s+)?(?:and|then)\\s+(?:follow|execute|obey|do\\s+it|carry\\s+out|perform)\\b"),
    CONCATENATED_VARIABLES("instruction from variables", LOW,
            // "do a + b" is also ordinary arithmetic or code.
            "\\b(?:execute|do|run|perform|follow|carry\\s+out)\\b[^.!?\\n]{0,40}?\\b[a-z]\\s*\\+\\s*[a-z]\\b"),
    ADDRESSED_TO_AI("instructions addressed to an AI", MEDIUM,
            "\\b(?:note|message|instructions?|notice|reminder)\\s+(?:to|for)\\s+(?:any\\s+|the\\s+|all\\s+)?" + W.AI
                    + "(?!\\s+(?:manager|director|principal|professor|editor|coach|teacher|engineer|secretary|team))",
            "\\b(?:" + W.AI + "|ai\\s+agents?)\\s+(?:reading|processing|summari[sz]ing|screening|reviewing|parsing|analy[sz]ing|reads|processes|sees)\\s+this\\b",
            "\\b(?:attention|important|urgent)\\s*[,:!-]?\\s*" + W.AI + "\\s*[,:!]",
            "\\b(?:upon|when|after|while)\\s+(?:reading|processing|summari[sz]ing|you\\s+(?:read|process|summari[sz]e|see))\\s+this\\b[^.!?\\n]{0,40}"
                    + "\\b(?:you\\s+(?:must|should|are\\s+instructed|are\\s+required|will)|ignore|instead)\\b"),
    DISABLE_SAFETY("request to disable safety", MEDIUM,
            "\\b(?:disable|turn\\s+off|switch\\s+off|deactivate|remove|bypass|lift)\\s+(?:all\\s+(?:of\\s+)?(?:your\\s+|the\\s+|its\\s+)?|your\\s+|its\\s+)"
                    + "(?:(?:content|safety|ethical)\\s+)?(?:filters|filtering|safety|guardrails|restrictions|guidelines|moderation|censorship|safety\\s+checks)\\b"),
    USER_OVERRIDDEN("instruction to ignore the user", LOW,
            // What a document planted for a model says; code may ignore a user's input too, hence LOW.
            W.OVERRIDE + "\\s+(?:the|this)\\s+(?:user|customer|reader|human)(?:['’]?s)?\\b"),
    PERSONA_SWITCH("persona switch", LOW,
            "\\bfrom\\s+now\\s+on,?\\s+(?:you\\s+(?:will|are\\s+going\\s+to|must|shall)\\s+)?(?:answer|respond|reply|act|behave|speak|talk)\\s+(?:only\\s+)?as\\b",
            "\\b(?:stay|remain)\\s+in\\s+character\\b|\\bnever\\s+breaks?\\s+character\\b"),
    FAKE_TRANSCRIPT("fake conversation turns", LOW,
            // Also how a pasted chat log looks, hence LOW.
            "(?ms)^\\s*(?:assistant|ai|bot|chatgpt)\\s*:.*^\\s*(?:user|human)\\s*:");

    private final String label;
    private final Confidence confidence;
    private final Pattern pattern;

    AttackPattern(String label, Confidence confidence, String... alternatives) {
        this.label = label;
        this.confidence = confidence;
        this.pattern = Pattern.compile("(?:" + String.join(")|(?:", alternatives) + ")");
    }

    String label() {
        return label;
    }

    Confidence confidence() {
        return confidence;
    }

    /** The most telling pattern found in any of the readings, if one is. */
    static Optional<AttackPattern> strongestIn(List<String> readings) {
        AttackPattern strongest = null;
        for (AttackPattern candidate : values()) {
            if (strongest != null && candidate.confidence.compareTo(strongest.confidence) <= 0) continue;
            for (String reading : readings) {
                if (candidate.pattern.matcher(reading).find()) {
                    strongest = candidate;
                    break;
                }
            }
        }
        return Optional.ofNullable(strongest);
    }

    /** Shared wordings; a nested class because an enum's constructors cannot read its own statics. */
    private static final class W {
        static final String OVERRIDE = "\\b(?:ignore|disregard|forget|override|bypass|abandon|discard)";
        static final String ADJECTIVE = "(?:previous|prior|above|earlier|preceding|original|initial|old|existing|current|system|safety|content|ethical|moral|default|developer'?s?)";
        static final String ADJECTIVES = "(?:" + ADJECTIVE + "\\s+){0,2}";
        static final String RULES = "(?:instructions?|rules|guidelines|directives|prompts?|polic(?:y|ies)|programming|training|restrictions|guardrails|filters|constraints)\\b";
        static final String UNBOUND = "\\b(?:no|without|free\\s+(?:of|from)|freed\\s+from|unbound\\s+by|not\\s+bound\\s+by)\\s+(?:any\\s+)?(?:\\w+\\s+){0,2}"
                + "(?:restrictions|filters|rules|limits|limitations|guidelines|polic(?:y|ies)|ethics|morals|moral\\s+compass|censorship|guardrails|boundaries)\\b";
        static final String REVEAL = "\\b(?:reveal|print|show|output|repeat|display|tell|give|paste|share|leak|dump|list|write\\s+out|spell\\s+out|translate|summari[sz]e|recite|type\\s+out|copy)\\b[^.!?\\n]{0,25}\\b";
        static final String SECRET = "(?:initial|original|hidden|secret|confidential|internal)\\s+(?:prompt|instructions|rules|guidelines|message)\\b";
        static final String SYSTEM = "(?:system\\s+(?:prompt|message|instructions)|developer\\s+(?:message|prompt|instructions)|(?:prompt|instructions)\\s+above|pre-?prompt)\\b";
        /** Who an injected instruction addresses; "agent" only beside "AI", as people have agents too. */
        static final String AI = "(?:ai|a\\.i\\.|llms?|language\\s+models?|assistants?|chatbots?|models?)";
    }
}
