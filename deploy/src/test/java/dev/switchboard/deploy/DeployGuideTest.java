package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy-pasteable snippets in docs/DEPLOY.md make what the code expects. */
class DeployGuideTest {

  @Test
  void theFirstKeySnippetMakesAKeyTheGatewayAcceptsAndItsStoredHash() throws Exception {
    List<String> guide =
        Files.readAllLines(Project.root().resolve("docs/DEPLOY.md"), StandardCharsets.UTF_8);
    String secretLine = line(guide, "SECRET=");
    String hashLine = line(guide, "HASH=");

    String script = secretLine + "\n" + hashLine + "\nprintf '%s\\n%s\\n' \"$SECRET\" \"$HASH\"\n";
    Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    List<String> out =
        new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(String.join("\n", out)).isZero();

    String secret = out.get(0);
    assertThat(secret).matches(ApiKeys.PREFIX + "[A-Za-z0-9_-]{43}");
    assertThat(out.get(1)).isEqualTo(ApiKeys.hash(secret));
    assertThat(String.join("\n", guide))
        .contains("\\\"keyId\\\":     {\\\"S\\\": \\\"key_${HASH:0:16}\\\"}");
    assertThat("key_" + out.get(1).substring(0, 16)).isEqualTo(ApiKeys.idOf(out.get(1)));
  }

  @Test
  void theFirstKeySnippetPutsAWellFormedItem(@TempDir Path dir) throws Exception {
    String guide =
        Files.readString(Project.root().resolve("docs/DEPLOY.md"), StandardCharsets.UTF_8);
    int start = guide.indexOf("SECRET=\"sk-sb-v1-");
    String block = guide.substring(start, guide.indexOf("```", start));
    // a stand-in for the AWS CLI that prints the item it was given
    Path aws = dir.resolve("aws");
    Files.writeString(
        aws,
        "#!/bin/bash\nwhile [ $# -gt 0 ]; do [ \"$1\" = --item ] && printf '%s' \"$2\"; shift; done\n");
    assertThat(aws.toFile().setExecutable(true)).isTrue();
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", "KEYS_TABLE=keys\n" + block + "\necho\necho \"$HASH\"");
    builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    Process bash = builder.start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).isZero();

    int json = out.indexOf('{');
    JsonNode item = new ObjectMapper().readTree(out.substring(json, out.lastIndexOf('}') + 1));
    String hash = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(item.at("/keyHash/S").asText()).isEqualTo(hash);
    assertThat(item.at("/keyId/S").asText()).isEqualTo(ApiKeys.idOf(hash));
    assertThat(item.at("/role/S").asText()).isEqualTo("admin");
    assertThat(item.at("/disabled/BOOL").isBoolean()).isTrue();
    assertThat(item.at("/disabled/BOOL").asBoolean()).isFalse();
    assertThat(item.at("/createdAt/N").asText()).matches("[0-9]{10}");
    assertThat(item.at("/name/S").asText()).isNotBlank();
    assertThat(item.at("/owner/S").asText()).isNotBlank();
  }

  private static String line(List<String> guide, String prefix) {
    return guide.stream()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starting " + prefix + " in DEPLOY.md"));
  }
}
