package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyAccessToolsTest {

  private static KeyAccess tools(Set<String> allowed, Set<String> denied) {
    return new KeyAccess(Set.of(), Set.of(), Set.of(), Set.of(), allowed, denied);
  }

  @Test
  void aKeyWithoutToolListsMayCallEveryToolOfEveryServer() {
    assertThat(KeyAccess.ANY.allowsServer("files")).isTrue();
    assertThat(KeyAccess.ANY.allowsTool("files", "delete_file")).isTrue();
  }

  @Test
  void anAllowlistPatternNamesToolsWithWildcards() {
    KeyAccess access = tools(Set.of("files/read_*", "github/*"), Set.of());

    assertThat(access.allowsTool("files", "read_file")).isTrue();
    assertThat(access.allowsTool("files", "read_")).isTrue();
    assertThat(access.allowsTool("files", "write_file")).isFalse();
    assertThat(access.allowsTool("github", "create_issue")).isTrue();
    assertThat(access.allowsTool("gitlab", "create_issue")).isFalse();
    assertThat(access.allowsServer("files")).isTrue();
    assertThat(access.allowsServer("github")).isTrue();
    assertThat(access.allowsServer("gitlab")).isFalse();
  }

  @Test
  void aServerNameAloneIsEveryToolOfIt() {
    KeyAccess access = tools(Set.of("files"), Set.of());

    assertThat(access.allowsTool("files", "anything")).isTrue();
    assertThat(access.allowsTool("filesystem", "anything")).isFalse();
    assertThat(access.allowsServer("filesystem")).isFalse();
  }

  @Test
  void aDenylistEntryWinsOverTheAllowlist() {
    KeyAccess access = tools(Set.of("*"), Set.of("*/delete_*", "shell"));

    assertThat(access.allowsTool("files", "read_file")).isTrue();
    assertThat(access.allowsTool("files", "delete_file")).isFalse();
    assertThat(access.allowsTool("db", "delete_row")).isFalse();
    assertThat(access.allowsTool("shell", "run")).isFalse();
    // a server of which only some tools are denied stays reachable; a wholly denied one does not
    assertThat(access.allowsServer("files")).isTrue();
    assertThat(access.allowsServer("shell")).isFalse();
  }

  @Test
  void aStarMatchesAnyRunIncludingNoneAndPatternsAreCaseSensitive() {
    KeyAccess access = tools(Set.of("f*s/*_file*"), Set.of());

    assertThat(access.allowsTool("files", "read_file")).isTrue();
    assertThat(access.allowsTool("fs", "_file")).isTrue();
    assertThat(access.allowsTool("files", "Read_File")).isFalse();
    assertThat(access.allowsTool("files", "readfile")).isFalse();
  }

  @Test
  void aPatternWithManyStarsDoesNotBacktrackWithoutEnd() {
    KeyAccess access = tools(Set.of("*a*a*a*a*a*a*a*a*b"), Set.of());

    // linear in the name's length: this would take far longer with naive backtracking
    assertThat(access.allowsTool("s", "a".repeat(10_000))).isFalse();
  }
}
