package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksTest {

    @TempDir
    Path dir;

    /** The example of RFC 7638 §3.1. */
    @Test
    void theKeyIdIsTheRfc7638ThumbprintOfTheRfcsExample() {
        BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"));
        BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode("AQAB"));

        assertThat(Jwks.keyId(n, e)).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    @Test
    void generatedKeysAgreeWithJose4jsThumbprintAndThePrivateHalfsId() throws Exception {
        for (int i = 0; i < 5; i++) { // moduli with and without a leading sign byte
            KeyPair pair = pair();
            RSAPublicKey key = (RSAPublicKey) pair.getPublic();

            assertThat(Jwks.keyId(key)).isEqualTo(new RsaJsonWebKey(key).calculateBase64urlEncodedThumbprint("SHA-256"))
                    .isEqualTo(SigningKey.of(pair.getPrivate()).keyId());
        }
    }

    @Test
    void aJwkSetHoldsEveryKeyUnderItsIdAndTheCommandWritesItFromPemFiles() throws Exception {
        RSAPublicKey first = (RSAPublicKey) pair().getPublic();
        RSAPublicKey second = (RSAPublicKey) pair().getPublic();

        JsonWebKeySet set = new JsonWebKeySet(Jwks.jwkSet(List.of(first, second)));

        assertThat(set.getJsonWebKeys()).extracting(JsonWebKey::getKeyId)
                .containsExactly(Jwks.keyId(first), Jwks.keyId(second));
        assertThat(set.findJsonWebKey(Jwks.keyId(second), "RSA", "sig", "RS256").getKey()).isEqualTo(second);

        Path pem = dir.resolve("public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(first.getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        assertThat(Jwks.readPublicKey(pem)).isEqualTo(first);
    }

    static KeyPair pair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
