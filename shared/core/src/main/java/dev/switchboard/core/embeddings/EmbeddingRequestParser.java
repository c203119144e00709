package dev.switchboard.core.embeddings;

import static dev.switchboard.core.error.GatewayException.invalidParam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.JsonBodies;
import dev.switchboard.core.api.JsonFields;
import dev.switchboard.core.budget.CostEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Parses and validates an embeddings request body with OpenAI's limits: at most {@value
 * #MAX_INPUTS} inputs, {@value #MAX_INPUT_TOKENS} tokens in one input and {@value
 * #MAX_REQUEST_TOKENS} in the request. Every rejection is a 400 naming the parameter, and no
 * message quotes the input.
 *
 * <p>Text is counted with the tokenizer admission uses (o200k_base; OpenAI's embedding models use
 * cl100k_base, which splits text about as finely). Counting is cheap first: a text has at most as
 * many tokens as UTF-8 bytes, so the tokenizer runs only on a text, or a request, whose bytes could
 * pass a limit.
 */
public final class EmbeddingRequestParser {

  public static final int MAX_INPUTS = 2_048;
  public static final int MAX_INPUT_TOKENS = 8_192;
  public static final int MAX_REQUEST_TOKENS = 300_000;

  private final JsonBodies bodies;

  public EmbeddingRequestParser(ObjectMapper mapper) {
    this.bodies = new JsonBodies(mapper);
  }

  public EmbeddingRequest parse(byte[] body) {
    return parse(bodies.read(body));
  }

  public EmbeddingRequest parse(ObjectNode body) {
    String model = JsonFields.requiredString(body, "model", "model");
    if (model.isBlank()) {
      throw invalidParam("model", "'model' must not be empty.");
    }
    if (model.length() > ChatRequestParser.MAX_MODEL_CHARS) {
      throw invalidParam(
          "model", "'model' must be at most " + ChatRequestParser.MAX_MODEL_CHARS + " characters.");
    }
    JsonNode input = JsonFields.present(body, "input");
    if (input == null) {
      throw invalidParam("input", "Missing required parameter: 'input'.");
    }
    List<String> texts = new ArrayList<>();
    List<List<Integer>> tokenIds = new ArrayList<>();
    if (input.isTextual()) {
      texts.add(input.textValue());
    } else if (input.isArray()) {
      if (input.isEmpty()) {
        throw invalidParam("input", "'input' must not be an empty array.");
      }
      if (input.get(0).isIntegralNumber()) {
        tokenIds.add(tokens(input, "input"));
      } else {
        if (input.size() > MAX_INPUTS) {
          throw invalidParam(
              "input",
              "'input' has "
                  + input.size()
                  + " items; the most one request may have is "
                  + MAX_INPUTS
                  + ".");
        }
        boolean text = input.get(0).isTextual();
        for (int i = 0; i < input.size(); i++) {
          JsonNode item = input.get(i);
          String where = "input[" + i + "]";
          if (text && item.isTextual()) {
            texts.add(item.textValue());
          } else if (!text && item.isArray()) {
            tokenIds.add(tokens(item, where));
          } else {
            throw invalidParam(
                where,
                "Invalid '"
                    + where
                    + "': 'input' is a string, an array of strings, an array of token ids or an"
                    + " array of arrays of token ids, all items of one kind.");
          }
        }
      }
    } else {
      throw invalidParam(
          "input",
          "Invalid type for 'input': expected a string or an array of strings or token ids.");
    }
    checkTexts(texts);
    long ids = tokenIds.stream().mapToLong(List::size).sum();
    if (ids > MAX_REQUEST_TOKENS) {
      throw tooManyTokens(ids);
    }
    String format = JsonFields.optionalString(body, "encoding_format", "encoding_format");
    if (format != null && !format.equals("float") && !format.equals("base64")) {
      throw invalidParam("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
    }
    OptionalInt dimensions = JsonFields.optionalInt(body, "dimensions", 1, 65_536);
    String user = JsonFields.optionalString(body, "user", "user");
    return new EmbeddingRequest(
        model, texts, tokenIds, "base64".equals(format), dimensions, user, body);
  }

  private static List<Integer> tokens(JsonNode array, String where) {
    if (array.isEmpty()) {
      throw invalidParam(where, "'" + where + "' must not be an empty array of token ids.");
    }
    if (array.size() > MAX_INPUT_TOKENS) {
      throw invalidParam(
          where,
          "'"
              + where
              + "' has "
              + array.size()
              + " tokens; the most one input may have is "
              + MAX_INPUT_TOKENS
              + ".");
    }
    List<Integer> ids = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode id = array.get(i);
      if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
        throw invalidParam(
            where, "Invalid '" + where + "': token ids are integers from 0 to 2147483647.");
      }
      ids.add(id.intValue());
    }
    return ids;
  }

  /** Empty texts and OpenAI's token limits; the tokenizer only where the bytes could pass one. */
  private static void checkTexts(List<String> texts) {
    long total = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      String where = texts.size() == 1 ? "input" : "input[" + i + "]";
      if (text.isEmpty()) {
        throw invalidParam(where, "'" + where + "' must not be an empty string.");
      }
      long count = CostEstimator.upperBound(text);
      if (count > MAX_INPUT_TOKENS) {
        count = CostEstimator.exactTokens(text);
        if (count > MAX_INPUT_TOKENS) {
          throw invalidParam(
              where,
              "'"
                  + where
                  + "' has "
                  + count
                  + " tokens; the most one input may have is "
                  + MAX_INPUT_TOKENS
                  + ". Split it or shorten it.");
        }
      }
      total += count;
    }
    if (total > MAX_REQUEST_TOKENS) {
      total = 0;
      for (String text : texts) {
        total += CostEstimator.exactTokens(text);
      }
      if (total > MAX_REQUEST_TOKENS) {
        throw tooManyTokens(total);
      }
    }
  }

  private static RuntimeException tooManyTokens(long total) {
    return invalidParam(
        "input",
        "'input' has "
            + total
            + " tokens in all; the most one request may have is "
            + MAX_REQUEST_TOKENS
            + ". Send it in several requests.");
  }
}
