package io.gatehouse.registry.storage;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.util.concurrent.CompletableFuture;

/**
 * SigV4 as the SDK does it, except that an UploadPart or PutObject body goes out as it does over HTTPS even on a
 * plain {@code http://} endpoint: {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}, its own Content-Length, no
 * {@code aws-chunked} encoding.
 * <p>
 * Why: S3's auth scheme asks for those two requests unsigned with chunk encoding allowed; over HTTPS the SDK then
 * sends the body as is, but over plain HTTP it overrides "unsigned" and signs the body chunk by chunk
 * ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}), an HMAC per 128 KiB here and, on S3Proxy, a decoder that reads the body
 * a byte at a time: most of a push's time. Signing the body whole instead (what aws-sdk-go v1 does) needs its SHA-256
 * before the request starts, that is the whole part read twice, which a part streamed from the client cannot be.
 * The request's headers, its URL and the Content-Length are signed in every case; only the body is not, as over
 * HTTPS (where TLS protects it). The registry verifies every blob's digest from the bytes it received itself, so what
 * a plain-HTTP path could tamper with is what S3 stores, not what the registry accepts.
 * <p>
 * Everything else is left to the SDK's signer: other requests (their bodies are small and signed as before), any
 * request with a flexible checksum or a trailer (those need the body), HTTPS.
 */
final class UnsignedStreamingScheme implements AwsV4AuthScheme {
    private final AwsV4AuthScheme sdk = AwsV4AuthScheme.create();
    private final AwsV4HttpSigner signer = new Signer(sdk.signer());

    @Override
    public String schemeId() {
        return sdk.schemeId();
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return sdk.identityProvider(providers);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    /** Whether the SDK would sign this request's body in aws-chunked form only because the endpoint is plain HTTP. */
    static boolean chunkSignedOnlyForHttp(SignRequest<?> request) {
        SdkHttpRequest http = request.request();
        return request.payload().isPresent()
                && !"https".equalsIgnoreCase(http.protocol())
                && Boolean.FALSE.equals(request.property(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED))
                && Boolean.TRUE.equals(request.property(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED))
                && !request.hasProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM)
                && http.firstMatchingHeader("x-amz-trailer").isEmpty()
                && http.firstMatchingHeader("Content-Length").isPresent();
    }

    private record Signer(AwsV4HttpSigner sdk) implements AwsV4HttpSigner {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            if (!chunkSignedOnlyForHttp(request)) return sdk.sign(request);
            return unsigned(request);
        }

        /** Signs the request as one without a body (UNSIGNED-PAYLOAD, headers untouched), then gives it its body back. */
        private <T extends AwsCredentialsIdentity> SignedRequest unsigned(SignRequest<T> request) {
            SignedRequest headersOnly = sdk.sign(request.toBuilder().payload(null).build());
            return headersOnly.toBuilder().payload(request.payload().orElseThrow()).build();
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            return sdk.signAsync(request); // the store's clients are synchronous
        }
    }
}
