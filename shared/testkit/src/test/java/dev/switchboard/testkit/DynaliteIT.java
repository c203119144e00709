package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DynaliteExtension.class)
class DynaliteIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void answersARealDynamoDbCall(DynaliteEndpoint dynalite) throws Exception {
    HttpResponse<String> response = listTables(dynalite);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.has("TableNames")).as(response.body()).isTrue();
    assertThat(body.get("TableNames").isArray()).isTrue();
  }

  @Test
  void sharesOneDynaliteAcrossTheRun(DynaliteEndpoint first, DynaliteEndpoint second) {
    assertThat(first).isEqualTo(second);
    assertThat(first.uri().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void closeStopsTheProcess() throws Exception {
    DynaliteProcess dynalite = DynaliteProcess.start();
    assertThat(dynalite.isAlive()).isTrue();
    assertThat(listTables(new DynaliteEndpoint(dynalite.endpoint())).statusCode()).isEqualTo(200);

    dynalite.close();
    dynalite.close();

    assertThat(dynalite.isAlive()).isFalse();
    assertThatThrownBy(() -> new Socket(Loopback.ADDRESS, dynalite.port()).close())
        .isInstanceOf(IOException.class);
  }

  @Test
  void tellsTheUserToRunNpmCiWhenDynaliteIsNotInstalled(@TempDir Path emptyRoot) {
    assertThatThrownBy(() -> DynaliteProcess.start(emptyRoot))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("npm ci");
  }

  /**
   * dynalite checks that a SigV4-shaped Authorization and a date are present, not the signature.
   */
  private static HttpResponse<String> listTables(DynaliteEndpoint dynalite) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(dynalite.uri())
            .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Date", "20250101T000000Z")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-east-1/dynamodb/aws4_request, "
                    + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=00")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
