package dev.quarry.testing;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The signing layer a client of Bedrock's OpenAI-compatible endpoint adds to the OpenAI SDK: an
 * OkHttp interceptor that drops the SDK's bearer key and signs each request, body included, with
 * the AWS SDK's own SigV4 signer, so Quarry's verification is checked against AWS's signing.
 */
public final class SigV4Interceptor implements Interceptor {
    private final AwsCredentialsIdentity keys;
    private final String region;
    private final String service;

    public SigV4Interceptor(String accessKeyId, String secretAccessKey, String region, String service) {
        this.keys = AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
        this.region = region;
        this.service = service;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        byte[] body = new byte[0];
        MediaType contentType = null;
        if (request.body() != null) {
            Buffer buffer = new Buffer();
            request.body().writeTo(buffer);
            body = buffer.readByteArray();
            contentType = request.body().contentType();
        }
        HttpUrl url = request.url();
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(request.method())).uri(url.uri());
        if (contentType != null) unsigned.putHeader("Content-Type", contentType.toString());
        byte[] payload = body;
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(keys).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
        Request.Builder out = request.newBuilder().removeHeader("Authorization");
        signed.headers().forEach((name, values) -> out.header(name, String.join(",", values)));
        if (request.body() != null) out.method(request.method(), RequestBody.create(body, contentType));
        return chain.proceed(out.build());
    }
}
