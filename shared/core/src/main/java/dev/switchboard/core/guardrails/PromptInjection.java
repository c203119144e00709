package dev.switchboard.core.guardrails;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A heuristic for prompt injection: phrasings that try to override the instructions a model was
 * given, to extract its system prompt, or to switch it into an unrestricted persona, and the chat
 * template tokens an injected text forges. It is a tripwire for the common attacks, not a
 * classifier; docs/GUARDRAILS.md gives its measured false-positive rate on a benign set.
 */
final class PromptInjection {

  private PromptInjection() {}

  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

  private static final String FILLER = "(?:(?:all|any|of|the|your|my|these|those|every)\\s+)*";

  static final List<Pattern> PATTERNS =
      List.of(
          // "ignore all previous instructions", "disregard the system prompt"
          Pattern.compile(
              "\\b(?:ignore|disregard|forget|override|bypass|skip)\\s+"
                  + FILLER
                  + "(?:previous|prior|above|earlier|preceding|original|initial|system|developer)"
                  + "\\s+(?:instructions?|prompts?|rules|directions|guidelines|directives|messages?)",
              FLAGS),
          // "reveal your system prompt", "print the hidden instructions"
          Pattern.compile(
              "\\b(?:reveal|show|print|repeat|output|display|leak|dump|tell\\s+me)\\s+(?:me\\s+)?"
                  + "(?:your|the)\\s+(?:(?:full|entire|original|hidden|secret|initial|exact)\\s+)*"
                  + "(?:system\\s+prompt|system\\s+message|developer\\s+message|hidden\\s+instructions"
                  + "|initial\\s+instructions|original\\s+instructions|prompt\\s+above)",
              FLAGS),
          // "you are now DAN", "you are now in developer mode"
          Pattern.compile(
              "\\byou\\s+are\\s+now\\s+(?:in\\s+)?(?:DAN\\b|developer\\s+mode|jailbroken"
                  + "|unrestricted|unfiltered|free\\s+of\\s+(?:all\\s+)?(?:rules|restrictions))",
              FLAGS),
          Pattern.compile("\\b(?:do\\s+anything\\s+now|DAN\\s+mode|jailbreak\\s+mode)\\b", FLAGS),
          // "pretend you have no restrictions"
          Pattern.compile(
              "\\b(?:pretend|act\\s+as\\s+if|imagine)\\s+(?:that\\s+)?you\\s+(?:have|had)\\s+no\\s+"
                  + "(?:restrictions|rules|guidelines|filters|limits|content\\s+policy)",
              FLAGS),
          // "from now on you will ignore ..." / "... are no longer bound by"
          Pattern.compile(
              "\\bfrom\\s+now\\s+on,?\\s+you\\s+(?:will|must|shall|are)\\s+(?:to\\s+)?"
                  + "(?:ignore|disregard|no\\s+longer\\s+(?:follow|bound|obey))",
              FLAGS),
          // forged chat-template tokens
          Pattern.compile(
              "<\\|(?:im_start|im_end|system|endoftext|start_header_id|eot_id)\\|>|\\[/?INST\\]"
                  + "|<</?SYS>>",
              FLAGS));

  /** For each pattern, words (lower case) one of which every match contains. */
  private static final List<String[]> HINTS =
      List.of(
          new String[] {"ignore", "disregard", "forget", "override", "bypass", "skip"},
          new String[] {
            "reveal", "show", "print", "repeat", "output", "display", "leak", "dump", "tell"
          },
          new String[] {"now"},
          new String[] {"anything", "dan", "jailbreak"},
          new String[] {"pretend", "act", "imagine"},
          new String[] {"now"},
          new String[] {"<|", "inst]", "<<"});

  static final Check CHECK =
      PatternCheck.of(
          "PROMPT_INJECTION",
          s -> true,
          IntStream.range(0, PATTERNS.size())
              .mapToObj(i -> PatternCheck.Scan.hintedIgnoringCase(PATTERNS.get(i), HINTS.get(i)))
              .toArray(PatternCheck.Scan[]::new));
}
