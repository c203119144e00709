package dev.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation/SAM template written in YAML into the JSON form CloudFormation itself
 * uses: the short-form tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, ...) become their long
 * forms ({@code {"Ref": ...}}, {@code {"Fn::Sub": ...}}, {@code {"Fn::GetAtt": [...]}}), so the
 * result can be validated against the SAM JSON schema and inspected like any JSON tree.
 */
final class CloudFormationYaml {

  /** Tags whose long form is {@code Fn::<name>}. */
  private static final List<String> FUNCTIONS =
      List.of(
          "And",
          "Base64",
          "Cidr",
          "Equals",
          "FindInMap",
          "GetAZs",
          "If",
          "ImportValue",
          "Join",
          "Length",
          "Not",
          "Or",
          "Select",
          "Split",
          "Sub",
          "ToJsonString",
          "Transform");

  private static final ObjectMapper JSON = new ObjectMapper();

  private CloudFormationYaml() {}

  static JsonNode read(Path template) throws IOException {
    try (Reader reader = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
      Object tree = new Yaml(new IntrinsicConstructor(new LoaderOptions())).load(reader);
      return JSON.valueToTree(tree);
    }
  }

  private static final class IntrinsicConstructor extends SafeConstructor {

    IntrinsicConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
      for (String function : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
      }
    }

    /** The tagged node's plain value: a string, a list or a map, with nested tags resolved. */
    private Object value(Node node) {
      return switch (node) {
        case ScalarNode scalar -> constructScalar(scalar);
        case SequenceNode sequence -> constructSequence(sequence);
        case MappingNode mapping -> constructMapping(mapping);
        default -> throw new IllegalArgumentException("unexpected YAML node " + node);
      };
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String key;

      Intrinsic(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put(key, value(node));
        return intrinsic;
      }
    }

    /** {@code !GetAtt Resource.Attribute} is short for {@code [Resource, Attribute]}. */
    private final class GetAtt extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = value(node);
        if (value instanceof String text) {
          int dot = text.indexOf('.');
          value = List.of(text.substring(0, dot), text.substring(dot + 1));
        }
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put("Fn::GetAtt", value);
        return intrinsic;
      }
    }
  }
}
