package dev.quarry.audit;

import dev.quarry.store.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key that signs audit digests. The private half stays in the data folder
 * ({@code audit-signing.key}, owner-only); the public half ({@code audit-signing.pub}) is what
 * a verifier needs, and can be copied somewhere the store's administrators cannot write.
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    private static final String PRIVATE_FILE = "audit-signing.key";
    private static final String PUBLIC_FILE = "audit-signing.pub";

    /** The key in the data folder, generated on first use. */
    public static SigningKey inDataDir(Path dataDir) {
        Path privateFile = dataDir.resolve(PRIVATE_FILE);
        try {
            DataFolder.ensure(dataDir);
            if (!Files.exists(privateFile)) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                try {
                    Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(privateFile, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n",
                            StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
                    Files.writeString(dataDir.resolve(PUBLIC_FILE), Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(decode(privateFile)));
            return new SigningKey(privateKey, publicKeyIn(dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the audit signing key in " + dataDir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the audit signing key in " + privateFile + " is not an Ed25519 key", e);
        }
    }

    /** The public key a verifier trusts. */
    public static PublicKey publicKeyIn(Path dataDir) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(decode(dataDir.resolve(PUBLIC_FILE))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit public key in " + dataDir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the audit public key in " + dataDir + " is not an Ed25519 key", e);
        }
    }

    String sign(String digestHash) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(digestHash.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    static boolean verify(PublicKey key, String digestHash, String signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(digestHash.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A short fingerprint of a public key, stored with each digest. */
    static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String keyId() {
        return keyId(publicKey);
    }

    private static byte[] decode(Path file) throws IOException {
        return Base64.getDecoder().decode(Files.readString(file).strip());
    }
}
