package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ids the gateway gives the upstream's requests it relays to a client (elicitation, sampling):
 * the request's own id, its server, the upstream session and the key, sealed with AES-GCM under the
 * operator's {@code MCP_RELAY_SECRET}. The client's answer then carries everything needed to pass
 * it on, to whichever instance it comes in: the gateway stays stateless, and the client learns
 * nothing of the upstream session nor can it make an id for another key or session.
 */
final class McpRelayIds {

  /** Every relayed id begins so; anything else is not one of these. */
  static final String PREFIX = "switchboard-relay-";

  /** The shortest secret accepted. */
  static final int MIN_SECRET = 32;

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int MAX_ID_CHARS = 8 * 1024;

  /** What a relayed id stands for. */
  record Relayed(
      String keyId, String server, String sessionId, String version, JsonNode id, long expiresAt) {}

  private final SecretKeySpec key;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  McpRelayIds(String secret, ObjectMapper mapper, Clock clock) {
    if (secret.length() < MIN_SECRET) {
      throw new IllegalArgumentException("must be at least " + MIN_SECRET + " characters");
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(digest, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    this.mapper = mapper;
    this.clock = clock;
  }

  /** A relayed id for the upstream request {@code id}, good for {@code lifetime}. */
  String seal(
      String keyId,
      String server,
      String sessionId,
      String version,
      JsonNode id,
      Duration lifetime) {
    ObjectNode plain = mapper.createObjectNode();
    plain.put("k", keyId);
    plain.put("s", server);
    plain.put("i", sessionId);
    plain.put("v", version);
    plain.set("o", id);
    plain.put("e", clock.millis() + lifetime.toMillis());
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(mapper.writeValueAsBytes(plain));
      ByteBuffer out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** What {@code id} stands for; empty when the gateway did not issue it or it expired. */
  Optional<Relayed> open(String id) {
    if (id == null || !id.startsWith(PREFIX) || id.length() > MAX_ID_CHARS) {
      return Optional.empty();
    }
    try {
      byte[] all = Base64.getUrlDecoder().decode(id.substring(PREFIX.length()));
      if (all.length <= IV_BYTES) {
        return Optional.empty();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      JsonNode plain = mapper.readTree(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES));
      Relayed relayed =
          new Relayed(
              plain.path("k").asText(),
              plain.path("s").asText(),
              plain.path("i").asText(),
              plain.path("v").asText(),
              plain.get("o"),
              plain.path("e").asLong());
      return relayed.expiresAt() < clock.millis() ? Optional.empty() : Optional.of(relayed);
    } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
      // not base64, not sealed with this secret, or tampered with
      return Optional.empty();
    }
  }
}
