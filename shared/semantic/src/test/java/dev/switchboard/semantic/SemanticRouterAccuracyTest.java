package dev.switchboard.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.semantic.HumanText;
import dev.switchboard.core.semantic.SemanticRouter;
import dev.switchboard.core.semantic.SemanticRouter.OnFailure;
import dev.switchboard.core.semantic.SemanticRouter.Reason;
import dev.switchboard.core.semantic.SemanticRouter.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing accuracy of the real model on a small labelled set: four routes with five examples each,
 * and 28 held-out paraphrases (none of them an example) labelled with the route they belong to. The
 * set was written before the first run and not changed after it; that run measured 24 of 28
 * (0.857), the four misses all falling below the code or writing threshold to the default route.
 * The floor of 0.8 is below that figure; an embedder that did not capture meaning would land near a
 * quarter.
 */
class SemanticRouterAccuracyTest {

  static final List<Route> ROUTES =
      List.of(
          new Route(
              "billing",
              "cheap-model",
              List.of(
                  "I was charged twice for my subscription",
                  "How do I get a refund?",
                  "Update the credit card on my account",
                  "Why is my invoice higher this month?",
                  "Cancel my plan and stop billing me"),
              0.35),
          new Route(
              "code",
              "smart-model",
              List.of(
                  "Fix this Python function that throws a KeyError",
                  "Write a SQL query that joins orders and customers",
                  "Why does my Java code get a NullPointerException?",
                  "Refactor this JavaScript into async/await",
                  "How do I write a unit test for this class?"),
              0.35),
          new Route(
              "writing",
              "creative-model",
              List.of(
                  "Write a short poem about the sea",
                  "Draft a friendly email inviting the team to a party",
                  "Make this paragraph sound more formal",
                  "Tell me a bedtime story about a dragon",
                  "Suggest a catchy title for my blog post"),
              0.35),
          new Route(
              "general",
              "cheap-model",
              List.of(
                  "What is the capital of Australia?",
                  "How far is the Moon from the Earth?",
                  "Who wrote Pride and Prejudice?",
                  "What's the weather usually like in Lisbon in May?",
                  "Explain how photosynthesis works"),
              0.35));

  /** Held-out paraphrases, none of them one of the examples, with the route each belongs to. */
  static final List<Map.Entry<String, String>> HELD_OUT =
      List.of(
          Map.entry("My card got billed two times this month, please fix it", "billing"),
          Map.entry("I want my money back for last month's charge", "billing"),
          Map.entry("How can I change the payment method on file?", "billing"),
          Map.entry("The amount on my latest bill looks wrong", "billing"),
          Map.entry("Please end my subscription, I don't want to pay anymore", "billing"),
          Map.entry("Can you send me a receipt for my last payment?", "billing"),
          Map.entry("I see a charge I don't recognise on my statement", "billing"),
          Map.entry("My Python script crashes with a KeyError on line 12, help", "code"),
          Map.entry("Give me a SQL statement to list customers with their orders", "code"),
          Map.entry("Getting a null pointer exception in my Java method, why?", "code"),
          Map.entry("Convert these promise chains to async await in JS", "code"),
          Map.entry("How should I test this TypeScript module with jest?", "code"),
          Map.entry("This regex doesn't match email addresses, can you correct it?", "code"),
          Map.entry("Implement binary search in Go", "code"),
          Map.entry("Compose a few lines of verse about ocean waves", "writing"),
          Map.entry("Help me write an email asking colleagues to a celebration", "writing"),
          Map.entry("Rewrite this text in a more professional tone", "writing"),
          Map.entry("Tell my kid a story about a friendly dragon before sleep", "writing"),
          Map.entry("I need a good headline for my article", "writing"),
          Map.entry("Write a limerick about a cat", "writing"),
          Map.entry("Write a toast for my sister's wedding", "writing"),
          Map.entry("Which city is Australia's capital?", "general"),
          Map.entry("What is the distance between the Earth and the Moon?", "general"),
          Map.entry("Who is the author of Pride and Prejudice?", "general"),
          Map.entry("How do plants turn sunlight into energy?", "general"),
          Map.entry("What is the tallest mountain in Africa?", "general"),
          Map.entry("When did the Second World War end?", "general"),
          Map.entry("Why is the sky blue?", "general"));

  private static SemanticRouter router;

  @BeforeAll
  static void build() {
    MiniLmEmbedder embedder = new MiniLmEmbedder();
    router =
        new SemanticRouter(
            new SemanticRouter.Config("router/support", ROUTES, "general", OnFailure.DEFAULT),
            embedder);
  }

  @Test
  void routesHeldOutParaphrasesToTheirLabelledRoute() {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> item : HELD_OUT) {
      SemanticRouter.Choice choice = router.choose(item.getKey());
      if (!choice.route().name().equals(item.getValue())) {
        wrong.add(item.getValue() + " -> " + choice.route().name() + ": " + item.getKey());
      }
    }
    double accuracy = 1.0 - (double) wrong.size() / HELD_OUT.size();
    System.out.printf(
        "semantic routing accuracy: %d/%d = %.3f; misrouted: %s%n",
        HELD_OUT.size() - wrong.size(), HELD_OUT.size(), accuracy, wrong);
    assertThat(accuracy).as("misrouted: %s", wrong).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void routesAnAgentTranscriptByItsLastHumanTextNotItsToolOutput() {
    // a coding agent's transcript: the person asks about a charge; the agent runs a SQL query and
    // the harness appends a reminder, so the last user turn is no human's
    List<Message> transcript =
        List.of(
            new Message(
                "system", "You are a support agent with database tools.", null, null, null, null),
            new Message(
                "user",
                null,
                List.of(
                    new ContentPart.Text(
                        "<system-reminder>Tools: sql, refunds.</system-reminder>", null),
                    new ContentPart.Text(
                        "I was billed twice for my subscription this month, can you refund one?",
                        null)),
                null,
                null,
                null),
            new Message("assistant", "Let me look at your invoices.", null, null, null, null),
            new Message(
                "tool",
                "SELECT id, amount FROM invoices WHERE customer_id = 42;\n"
                    + "| 9001 | 19.00 |\n| 9002 | 19.00 |",
                null,
                null,
                null,
                "call_1"),
            new Message(
                "user",
                "<system-reminder>The query returned 2 rows.</system-reminder>",
                null,
                null,
                null,
                null));
    String human = HumanText.last(transcript).orElseThrow();
    assertThat(human).startsWith("I was billed twice");
    assertThat(router.choose(human).route().name()).isEqualTo("billing");
  }

  @Test
  void sendsTextFarFromEveryRouteToTheDefaultRoute() {
    SemanticRouter strict =
        new SemanticRouter(
            new SemanticRouter.Config(
                "router/strict",
                ROUTES.stream()
                    .map(r -> new Route(r.name(), r.target(), r.examples(), 0.8))
                    .toList(),
                "general",
                OnFailure.DEFAULT),
            new MiniLmEmbedder());
    SemanticRouter.Choice choice = strict.choose("zxqv blorp 4471 kettle");
    assertThat(choice.route().name()).isEqualTo("general");
    assertThat(choice.reason()).isEqualTo(Reason.DEFAULT);
  }

  @Test
  void reportsAMatchWithItsSimilarity() {
    SemanticRouter.Choice choice = router.choose("How do I get my money refunded?");
    assertThat(choice.route().name()).isEqualTo("billing");
    assertThat(choice.reason()).isEqualTo(Reason.MATCHED);
    assertThat(choice.similarity()).isBetween(0.35, 1.0);
  }
}
