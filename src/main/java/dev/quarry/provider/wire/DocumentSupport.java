package dev.quarry.provider.wire;

import dev.quarry.canonical.CannotCarry;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DocumentType;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which documents an upstream API takes, checked before a request is encoded for it, so that a
 * refusal is a clear 400 naming the model the client asked for and what to do instead, never an
 * upstream's error or a silent drop.
 *
 * @param api      the upstream API's name, as errors give it
 * @param accepted the document types it takes
 * @param maxBytes the largest document it takes
 * @param instead  what a client can do with a document of another type, as the end of a sentence
 */
public record DocumentSupport(String api, Set<DocumentType> accepted, long maxBytes, String instead) {
    public DocumentSupport {
        accepted = Set.copyOf(accepted);
    }

    /** PDF and the text types: what the Anthropic Messages API and Gemini take. */
    public static final Set<DocumentType> PDF_AND_TEXT = EnumSet.of(DocumentType.PDF, DocumentType.TEXT, DocumentType.CSV,
            DocumentType.HTML, DocumentType.MARKDOWN);

    /** @throws CannotCarry (a 400 when no other deployment takes it) for the first document of the request this API cannot take */
    public void require(ChatRequest request) {
        request.messages().stream().flatMap(m -> m.content().stream())
                .filter(ContentBlock.Document.class::isInstance).map(ContentBlock.Document.class::cast)
                .forEach(document -> require(request.model(), document));
    }

    private void require(String model, ContentBlock.Document document) {
        if (!accepted.contains(document.type())) {
            String takes = accepted.isEmpty() ? "it takes none"
                    : "it takes " + accepted.stream().sorted().map(DocumentType::extension).collect(Collectors.joining(", "));
            throw new CannotCarry("Model '" + model + "' is served here through the " + api
                    + " API, which cannot take a " + document.type().extension() + " document (" + takes + "): " + instead + ".");
        }
        if (document.size() > maxBytes) {
            throw new CannotCarry("Model '" + model + "' is served here through the " + api
                    + " API, which takes documents of at most " + maxBytes + " bytes; this " + document.type().extension() + " document is "
                    + document.size() + " bytes: send a smaller document, or use a model served by another provider.");
        }
    }
}
