package dev.quarry.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.quarry.canonical.Tokenizer;
import java.util.regex.Pattern;

/**
 * The tokenizer of a model, chosen by its catalog family: the GPT family's own encoding (exact
 * text counts), and {@link Tokenizer#ESTIMATE} for every family whose tokenizer no well-kept Java
 * library has (Claude, Gemini, Llama, Mistral, Nova, Quarry's own models and configured "custom"
 * ones). Each encoding's ranks (a few MB) load on its first use and stay.
 */
public final class Tokenizers {
    /**
     * GPT models from before GPT-4o use cl100k_base: GPT-4 and its dated and turbo variants,
     * GPT-3.5 Turbo, the text-embedding models. Everything later (GPT-4o, 4.1, 4.5, 5.x, the o-series,
     * gpt-oss, whose o200k_harmony is o200k_base plus special tokens) uses o200k_base.
     */
    private static final Pattern CL100K_MODELS = Pattern.compile("gpt-4(-.*)?|gpt-3\\.5.*|text-embedding-.*");

    private Tokenizers() {}

    public static Tokenizer forModel(String family, String modelId) {
        if (!"gpt".equals(family)) return Tokenizer.ESTIMATE;
        return CL100K_MODELS.matcher(modelId).matches() ? Cl100k.TOKENIZER : O200k.TOKENIZER;
    }

    /** Loaded when first asked for: class initialization is lazy and thread-safe. */
    private static final class O200k {
        static final Tokenizer TOKENIZER = new BpeTokenizer(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE));
    }

    private static final class Cl100k {
        static final Tokenizer TOKENIZER = new BpeTokenizer(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE));
    }
}
