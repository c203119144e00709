package dev.switchboard.core.api.messages;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Thinking blocks carry a signature (a {@code redacted_thinking} block its encrypted {@code data})
 * that only the model which produced it accepts back: replayed to another model, the request is
 * refused with {@code 400 Invalid signature}. The Messages door hands signatures out wrapped with
 * the catalogue entry that served them; an adapter sending a conversation on unwraps each for the
 * entry it calls, and leaves out the blocks another entry signed, and unsigned ones (the gateway's
 * rendering of another provider's reasoning), which Anthropic would refuse.
 *
 * <p>A signature the gateway did not hand out (a conversation begun directly with Anthropic) goes
 * on as it is: nothing says which model signed it, and Anthropic itself checks it.
 */
public final class ThinkingSignatures {

  private static final String PREFIX = "sb1.";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private ThinkingSignatures() {}

  /** {@code signature} as the client gets it from {@code modelId}; an empty one stays empty. */
  public static String wrap(String modelId, String signature) {
    if (signature == null || signature.isEmpty()) {
      return "";
    }
    return PREFIX
        + ENCODER.encodeToString(modelId.getBytes(StandardCharsets.UTF_8))
        + "."
        + signature;
  }

  /**
   * The signature to send to {@code modelId}, or empty when the block must be left out: it is
   * unsigned, or another model signed it.
   */
  public static Optional<String> forModel(String modelId, String signature) {
    if (signature == null || signature.isEmpty()) {
      return Optional.empty();
    }
    if (!signature.startsWith(PREFIX)) {
      return Optional.of(signature);
    }
    int dot = signature.indexOf('.', PREFIX.length());
    if (dot < 0) {
      return Optional.empty();
    }
    String signer;
    try {
      signer =
          new String(
              DECODER.decode(signature.substring(PREFIX.length(), dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException mangled) {
      return Optional.empty();
    }
    String original = signature.substring(dot + 1);
    return signer.equals(modelId) && !original.isEmpty() ? Optional.of(original) : Optional.empty();
  }
}
