package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.surface.bedrock.ModelPath.Operation;
import org.junit.jupiter.api.Test;

class ModelPathTest {

    @Test
    void theModelIdIsDecodedFromItsRawSegment() {
        assertThat(ModelPath.parse("/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream"))
                .contains(new ModelPath("anthropic.claude-sonnet-4-5-20250929-v1:0", Operation.CONVERSE_STREAM));
        assertThat(ModelPath.parse("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fmeta.llama3/invoke"))
                .contains(new ModelPath("arn:aws:bedrock:us-east-1::foundation-model/meta.llama3", Operation.INVOKE));
        assertThat(ModelPath.parse("/model/m/invoke-with-response-stream")).contains(new ModelPath("m", Operation.INVOKE_STREAM));
    }

    @Test
    void pathsThatNameNoOperationOfAModelAreEmpty() {
        assertThat(ModelPath.parse("/model/m/chat")).isEmpty();
        assertThat(ModelPath.parse("/model/a/b/converse")).isEmpty();
        assertThat(ModelPath.parse("/model//converse")).isEmpty();
        assertThat(ModelPath.parse("/model/bad%zz/converse")).isEmpty();
        assertThat(ModelPath.parse("/guardrail/g/version/1/apply")).isEmpty();
    }
}
