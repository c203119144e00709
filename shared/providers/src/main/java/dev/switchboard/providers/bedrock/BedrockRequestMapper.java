package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ContentPart;
import dev.switchboard.core.api.Message;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentFormat;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentSource;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * Builds a Converse request from an OpenAI chat request: system and developer messages become
 * {@code system} blocks, tool results become user {@code toolResult} blocks, consecutive messages
 * of one role are merged (Converse requires alternating roles), images must be {@code data:} URLs
 * (the gateway never fetches a URL on a client's behalf).
 */
final class BedrockRequestMapper {

  private BedrockRequestMapper() {}

  /** The parts both Converse request types share. */
  record Parts(
      List<SystemContentBlock> system,
      List<software.amazon.awssdk.services.bedrockruntime.model.Message> messages,
      InferenceConfiguration inference,
      ToolConfiguration tools) {}

  static ConverseRequest converse(ProviderCall call, ObjectMapper mapper) throws ProviderException {
    Parts p = parts(call, mapper);
    return ConverseRequest.builder()
        .modelId(call.model().upstreamId())
        .system(p.system())
        .messages(p.messages())
        .inferenceConfig(p.inference())
        .toolConfig(p.tools())
        .build();
  }

  static ConverseStreamRequest converseStream(ProviderCall call, ObjectMapper mapper)
      throws ProviderException {
    Parts p = parts(call, mapper);
    return ConverseStreamRequest.builder()
        .modelId(call.model().upstreamId())
        .system(p.system())
        .messages(p.messages())
        .inferenceConfig(p.inference())
        .toolConfig(p.tools())
        .build();
  }

  static Parts parts(ProviderCall call, ObjectMapper mapper) throws ProviderException {
    ChatRequest request = call.request();
    List<SystemContentBlock> system = new ArrayList<>();
    List<software.amazon.awssdk.services.bedrockruntime.model.Message> messages = new ArrayList<>();
    ConversationRole currentRole = null;
    List<ContentBlock> current = new ArrayList<>();
    for (Message message : request.messages()) {
      String role = message.role();
      if (role.equals("system") || role.equals("developer")) {
        String text = message.plainText();
        if (!text.isEmpty()) {
          system.add(SystemContentBlock.fromText(text));
        }
        continue;
      }
      ConversationRole bedrockRole =
          role.equals("assistant") ? ConversationRole.ASSISTANT : ConversationRole.USER;
      List<ContentBlock> blocks = blocks(message, mapper);
      if (blocks.isEmpty()) {
        continue;
      }
      if (bedrockRole != currentRole && !current.isEmpty()) {
        messages.add(message(currentRole, current));
        current = new ArrayList<>();
      }
      currentRole = bedrockRole;
      current.addAll(blocks);
    }
    if (!current.isEmpty()) {
      messages.add(message(currentRole, current));
    }
    return new Parts(system, messages, inference(call), tools(request.body()));
  }

  private static software.amazon.awssdk.services.bedrockruntime.model.Message message(
      ConversationRole role, List<ContentBlock> content) {
    return software.amazon.awssdk.services.bedrockruntime.model.Message.builder()
        .role(role)
        .content(List.copyOf(content))
        .build();
  }

  private static List<ContentBlock> blocks(Message message, ObjectMapper mapper)
      throws ProviderException {
    List<ContentBlock> blocks = new ArrayList<>();
    if (message.role().equals("tool")) {
      blocks.add(
          ContentBlock.fromToolResult(
              ToolResultBlock.builder()
                  .toolUseId(message.toolCallId())
                  .content(ToolResultContentBlock.fromText(message.plainText()))
                  .build()));
      return blocks;
    }
    if (message.text() != null && !message.text().isEmpty()) {
      blocks.add(ContentBlock.fromText(message.text()));
    }
    for (ContentPart part : message.parts()) {
      switch (part) {
        case ContentPart.Text t -> blocks.add(ContentBlock.fromText(t.text()));
        case ContentPart.Image i -> blocks.add(ContentBlock.fromImage(image(i.url())));
        case ContentPart.Other o -> blocks.add(ContentBlock.fromDocument(document(o)));
      }
    }
    JsonNode toolCalls = message.toolCalls();
    if (toolCalls != null && toolCalls.isArray()) {
      for (JsonNode call : toolCalls) {
        JsonNode function = call.path("function");
        blocks.add(
            ContentBlock.fromToolUse(
                ToolUseBlock.builder()
                    .toolUseId(call.path("id").asText())
                    .name(function.path("name").asText())
                    .input(JsonDocuments.toDocument(arguments(function, mapper)))
                    .build()));
      }
    }
    return blocks;
  }

  private static JsonNode arguments(JsonNode function, ObjectMapper mapper)
      throws ProviderException {
    String arguments = function.path("arguments").asText("");
    if (arguments.isBlank()) {
      return mapper.createObjectNode();
    }
    try {
      return mapper.readTree(arguments);
    } catch (JacksonException e) {
      throw new ProviderException.BadRequest(
          "A tool call's 'arguments' is not valid JSON; Bedrock needs a JSON object.", 400);
    }
  }

  /**
   * An OpenAI {@code file} part holding a PDF as a {@code data:} URL, as a Converse document block;
   * its name kept to what Converse allows (letters, digits, spaces, hyphens, brackets).
   */
  private static DocumentBlock document(ContentPart.Other part) throws ProviderException {
    String url = part.raw().path("file").path("file_data").asText("");
    String prefix = "data:application/pdf;base64,";
    if (!part.type().equals("file") || !url.startsWith(prefix)) {
      throw new ProviderException.BadRequest(
          "Bedrock does not accept content parts of type '"
              + part.type()
              + "' (a file is taken as a base64 PDF data: URL).",
          400);
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(url.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      throw new ProviderException.BadRequest("A file data: URL is not valid base64.", 400);
    }
    String name =
        part.raw()
            .path("file")
            .path("filename")
            .asText("document")
            .replaceFirst("(?i)\\.pdf$", "")
            .replaceAll("[^A-Za-z0-9 ()\\[\\]-]", "-")
            .replaceAll("\\s+", " ")
            .strip();
    return DocumentBlock.builder()
        .format(DocumentFormat.PDF)
        .name(name.isEmpty() ? "document" : name)
        .source(DocumentSource.fromBytes(SdkBytes.fromByteArray(bytes)))
        .build();
  }

  private static ImageBlock image(String url) throws ProviderException {
    // data:image/png;base64,....
    if (url == null || !url.startsWith("data:image/") || !url.contains(";base64,")) {
      throw new ProviderException.BadRequest(
          "Bedrock takes images only as base64 data: URLs (data:image/png;base64,...).", 400);
    }
    String mediaType = url.substring("data:image/".length(), url.indexOf(';'));
    ImageFormat format =
        switch (mediaType.toLowerCase(Locale.ROOT)) {
          case "png" -> ImageFormat.PNG;
          case "jpeg", "jpg" -> ImageFormat.JPEG;
          case "gif" -> ImageFormat.GIF;
          case "webp" -> ImageFormat.WEBP;
          default ->
              throw new ProviderException.BadRequest(
                  "Bedrock takes png, jpeg, gif or webp images.", 400);
        };
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(url.substring(url.indexOf(";base64,") + 8));
    } catch (IllegalArgumentException e) {
      throw new ProviderException.BadRequest("An image data: URL is not valid base64.", 400);
    }
    return ImageBlock.builder()
        .format(format)
        .source(ImageSource.fromBytes(SdkBytes.fromByteArray(bytes)))
        .build();
  }

  private static InferenceConfiguration inference(ProviderCall call) {
    JsonNode body = call.request().body();
    InferenceConfiguration.Builder config = InferenceConfiguration.builder();
    // always the limit the budget reserved, never the model's own default
    config.maxTokens(call.outputLimit());
    if (body.path("temperature").isNumber()) {
      config.temperature((float) body.get("temperature").doubleValue());
    }
    if (body.path("top_p").isNumber()) {
      config.topP((float) body.get("top_p").doubleValue());
    }
    JsonNode stop = body.path("stop");
    if (stop.isTextual()) {
      config.stopSequences(stop.textValue());
    } else if (stop.isArray()) {
      List<String> sequences = new ArrayList<>();
      stop.forEach(s -> sequences.add(s.asText()));
      config.stopSequences(sequences);
    }
    return config.build();
  }

  private static ToolConfiguration tools(JsonNode body) {
    JsonNode tools = body.path("tools");
    if (!tools.isArray() || tools.isEmpty()) {
      return null;
    }
    JsonNode choice = body.path("tool_choice");
    if (choice.isTextual() && choice.textValue().equals("none")) {
      // Converse has no "none": leaving the tools out is how a model is kept from calling them.
      return null;
    }
    List<Tool> specs = new ArrayList<>();
    for (JsonNode tool : tools) {
      JsonNode function = tool.path("function");
      JsonNode parameters = function.path("parameters");
      Document schema =
          parameters.isObject()
              ? JsonDocuments.toDocument(parameters)
              : Document.mapBuilder().putString("type", "object").build();
      ToolSpecification.Builder spec =
          ToolSpecification.builder()
              .name(function.path("name").asText())
              .inputSchema(ToolInputSchema.fromJson(schema));
      if (function.hasNonNull("description")) {
        spec.description(function.get("description").asText());
      }
      specs.add(Tool.fromToolSpec(spec.build()));
    }
    ToolConfiguration.Builder config = ToolConfiguration.builder().tools(specs);
    if (choice.isTextual() && choice.textValue().equals("required")) {
      config.toolChoice(ToolChoice.fromAny(AnyToolChoice.builder().build()));
    } else if (choice.isObject()) {
      config.toolChoice(
          ToolChoice.fromTool(
              SpecificToolChoice.builder()
                  .name(choice.path("function").path("name").asText())
                  .build()));
    } else if (choice.isTextual() && choice.textValue().equals("auto")) {
      config.toolChoice(ToolChoice.fromAuto(AutoToolChoice.builder().build()));
    }
    return config.build();
  }
}
