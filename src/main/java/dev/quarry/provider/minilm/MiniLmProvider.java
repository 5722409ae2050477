package dev.quarry.provider.minilm;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code quarry/minilm}: the all-MiniLM-L6-v2 sentence-embedding model (384 dimensions), run in
 * process with ONNX Runtime from the model file shipped in the LangChain4j artifact. The model
 * loads on first use, so a server that never embeds never pays its ~90 MB.
 */
public final class MiniLmProvider implements Provider {
    public static final int DIMENSIONS = 384;

    private final String name;
    private volatile EmbeddingModel model;

    public MiniLmProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        throw QuarryException.of(ErrorKind.UNSUPPORTED_FEATURE,
                "'" + call.request().model() + "' is an embedding model; use POST /v1/embeddings.");
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, String upstreamModel) {
        if (request.dimensions() != null && request.dimensions() != DIMENSIONS) {
            throw QuarryException.invalid("dimensions",
                    "'" + request.model() + "' produces " + DIMENSIONS + "-dimensional vectors; 'dimensions' cannot change that.");
        }
        Response<List<Embedding>> embedded = embedAll(request.inputs());
        // The model's own WordPiece tokenizer counted the tokens: an exact count, not an estimate.
        Integer tokens = embedded.tokenUsage() == null ? null : embedded.tokenUsage().inputTokenCount();
        return new EmbeddingResponse(request.model(), vectors(embedded), tokens == null ? 0 : tokens);
    }

    /** Embeds texts for Quarry's own use (semantic guardrails), outside any request's metering. */
    public List<float[]> embedTexts(List<String> texts) {
        return vectors(embedAll(texts));
    }

    private Response<List<Embedding>> embedAll(List<String> texts) {
        return model().embedAll(texts.stream().map(TextSegment::from).toList());
    }

    private static List<float[]> vectors(Response<List<Embedding>> embedded) {
        List<float[]> vectors = new ArrayList<>(embedded.content().size());
        for (Embedding embedding : embedded.content()) vectors.add(embedding.vector());
        return vectors;
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) model = new AllMiniLmL6V2EmbeddingModel();
                m = model;
            }
        }
        return m;
    }
}
