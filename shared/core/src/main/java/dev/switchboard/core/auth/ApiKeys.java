package dev.switchboard.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes and hashes gateway key secrets. A secret is {@value #PREFIX} followed by 32 random bytes
 * (256 bits) in unpadded base64url, so it is recognisable in a leak scan and never guessable.
 */
public final class ApiKeys {

  public static final String PREFIX = "sk-sb-v1-";
  private static final int SECRET_BYTES = 32;

  private ApiKeys() {}

  /**
   * A fresh secret from {@code random}; callers pass a SecureRandom reseeded after any snapshot.
   */
  public static String newSecret(SecureRandom random) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lower-case hex SHA-256 of the secret: the only form in which a key is stored. */
  public static String hash(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }

  /** The public handle of a key, safe to show and to log: derived from the hash, not the secret. */
  public static String idOf(String keyHash) {
    return "key_" + keyHash.substring(0, 16);
  }
}
