package dev.switchboard.core.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingRequestParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final EmbeddingRequestParser parser = new EmbeddingRequestParser(JSON);

  private EmbeddingRequest parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private EmbeddingRequest parse(ObjectNode body) {
    return parser.parse(body);
  }

  private static GatewayException refusal(Runnable parse) {
    try {
      parse.run();
    } catch (GatewayException e) {
      return e;
    }
    throw new AssertionError("the request was accepted");
  }

  @Test
  void readsOneString() {
    EmbeddingRequest request = parse("{\"model\":\"m\",\"input\":\"hello world\"}");

    assertThat(request.texts()).containsExactly("hello world");
    assertThat(request.inputs()).isEqualTo(1);
    assertThat(request.base64()).isFalse();
    assertThat(request.dimensions()).isEmpty();
    assertThat(request.tokenInput()).isFalse();
  }

  @Test
  void readsStringsInOrderWithTheEncodingTheDimensionsAndTheUser() {
    EmbeddingRequest request =
        parse(
            "{\"model\":\"m\",\"input\":[\"a\",\"b\",\"c\"],\"encoding_format\":\"base64\","
                + "\"dimensions\":256,\"user\":\"u-7\"}");

    assertThat(request.texts()).containsExactly("a", "b", "c");
    assertThat(request.base64()).isTrue();
    assertThat(request.dimensions()).hasValue(256);
    assertThat(request.user()).isEqualTo("u-7");
  }

  @Test
  void readsOneArrayOfTokenIdsAsOneInput() {
    EmbeddingRequest request = parse("{\"model\":\"m\",\"input\":[1,2,3]}");

    assertThat(request.tokenIds()).containsExactly(List.of(1, 2, 3));
    assertThat(request.inputs()).isEqualTo(1);
    assertThat(request.tokenIdCount()).isEqualTo(3);
  }

  @Test
  void readsArraysOfTokenIdsAsSeveralInputs() {
    EmbeddingRequest request = parse("{\"model\":\"m\",\"input\":[[1,2],[3]]}");

    assertThat(request.tokenIds()).containsExactly(List.of(1, 2), List.of(3));
    assertThat(request.inputs()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"input\":\"x\"}|model",
        "{\"model\":\"\",\"input\":\"x\"}|model",
        "{\"model\":\"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\",\"input\":\"x\"}|model",
        "{\"model\":\"m\"}|input",
        "{\"model\":\"m\",\"input\":null}|input",
        "{\"model\":\"m\",\"input\":42}|input",
        "{\"model\":\"m\",\"input\":{}}|input",
        "{\"model\":\"m\",\"input\":[]}|input",
        "{\"model\":\"m\",\"input\":\"\"}|input",
        "{\"model\":\"m\",\"input\":[\"a\",\"\"]}|input[1]",
        "{\"model\":\"m\",\"input\":[\"a\",7]}|input[1]",
        "{\"model\":\"m\",\"input\":[[1],\"b\"]}|input[1]",
        "{\"model\":\"m\",\"input\":[[1],[]]}|input[1]",
        "{\"model\":\"m\",\"input\":[1,-2]}|input",
        "{\"model\":\"m\",\"input\":[1,2.5]}|input",
        "{\"model\":\"m\",\"input\":[[1,3000000000]]}|input[0]",
        "{\"model\":\"m\",\"input\":[null]}|input[0]",
        "{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}|encoding_format",
        "{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":1}|encoding_format",
        "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}|dimensions",
        "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":\"8\"}|dimensions",
        "{\"model\":\"m\",\"input\":\"x\",\"user\":5}|user"
      })
  void refusesWhatOpenAiRefusesNamingTheParameter(String body, String param) {
    GatewayException e = refusal(() -> parse(body));

    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(e.param()).hasValue(param);
  }

  @Test
  void refusesMoreThan2048Inputs() {
    ObjectNode body = JSON.createObjectNode().put("model", "m");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i <= EmbeddingRequestParser.MAX_INPUTS; i++) {
      input.add("text " + i);
    }

    GatewayException e = refusal(() -> parse(body));

    assertThat(e.param()).hasValue("input");
    assertThat(e.getMessage()).contains("2049").contains("2048");
    input.remove(0);
    assertThat(parse(body).inputs()).isEqualTo(2048);
  }

  @Test
  void refusesAnInputOfMoreThan8192TokensAndNeverQuotesIt() {
    // "secret " is one token: 8,200 of them is over the limit
    String text = "secret ".repeat(8_200);
    ObjectNode body = JSON.createObjectNode().put("model", "m");
    body.putArray("input").add("short").add(text);

    GatewayException e = refusal(() -> parse(body));

    assertThat(e.param()).hasValue("input[1]");
    assertThat(e.getMessage()).contains("8192").doesNotContain("secret");
  }

  @Test
  void acceptsALongTextWhoseTokensFitThoughItsBytesDoNot() {
    // 9,000 bytes, far fewer tokens: the byte bound alone would refuse it
    String text = "a".repeat(9_000);

    assertThat(parse(JSON.createObjectNode().put("model", "m").put("input", text)).texts())
        .containsExactly(text);
  }

  @Test
  void refusesATokenArrayOfMoreThan8192Ids() {
    ObjectNode body = JSON.createObjectNode().put("model", "m");
    ArrayNode ids = body.putArray("input");
    for (int i = 0; i <= EmbeddingRequestParser.MAX_INPUT_TOKENS; i++) {
      ids.add(1);
    }

    assertThat(refusal(() -> parse(body)).param()).hasValue("input");
  }

  @Test
  void refusesARequestOfMoreThan300000TokensInAll() {
    // 40 inputs of 8,000 tokens each: each fits, together they do not
    ObjectNode body = JSON.createObjectNode().put("model", "m");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < 40; i++) {
      input.add("word ".repeat(8_000));
    }

    GatewayException e = refusal(() -> parse(body));

    assertThat(e.param()).hasValue("input");
    assertThat(e.getMessage()).contains("300000");
  }
}
