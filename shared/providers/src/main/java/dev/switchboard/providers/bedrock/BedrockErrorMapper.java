package dev.switchboard.providers.bedrock;

import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.providers.http.UpstreamMessage;
import dev.switchboard.providers.http.UpstreamStatus;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Maps what the Bedrock runtime client throws (service exceptions, in-stream exception events,
 * client-side failures) to the provider error family. The one place for it.
 */
final class BedrockErrorMapper {

  /** How Bedrock words a prompt that does not fit (the models' own wording varies). */
  private static final Pattern CONTEXT_LENGTH =
      Pattern.compile(
          "(?i)too long|too many (input )?tokens|context (length|window)|exceeds? the maximum"
              + "|input length");

  /** Error codes that mean our signature or credentials were refused rather than a permission. */
  private static final Set<String> AUTHENTICATION_CODES =
      Set.of(
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignature",
          "ExpiredTokenException",
          "MissingAuthenticationToken");

  private BedrockErrorMapper() {}

  static ProviderException map(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof AwsServiceException e) {
      return service(e);
    }
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return new ProviderException.Timeout("no response in time");
    }
    if (t instanceof SdkClientException && hasCause(t, ConnectException.class)) {
      return new ProviderException.ConnectionFailed("connection refused", null);
    }
    return new ProviderException.ConnectionFailed("the call to Bedrock failed", null);
  }

  private static ProviderException service(AwsServiceException e) {
    int status = e.statusCode();
    String message =
        UpstreamMessage.safe(
            e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage(), status);
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    return switch (e) {
      case ValidationException v when CONTEXT_LENGTH.matcher(message).find() ->
          new ProviderException.ContextLengthExceeded(message, status);
      case ValidationException v -> new ProviderException.BadRequest(message, status);
      case AccessDeniedException a -> new ProviderException.PermissionDenied(message, status);
      case ResourceNotFoundException r -> new ProviderException.ModelNotFound(message, status);
      case ThrottlingException r -> new ProviderException.RateLimited(message, status, null);
      case ServiceQuotaExceededException q ->
          new ProviderException.RateLimited(message, status, null);
      case ServiceUnavailableException s -> new ProviderException.Overloaded(message, status);
      case ModelNotReadyException s -> new ProviderException.Overloaded(message, status);
      case ModelTimeoutException m -> new ProviderException.Timeout("the model timed out");
      case InternalServerException i -> new ProviderException.ServerError(message, status);
      case ModelErrorException m -> new ProviderException.ServerError(message, status);
      case ModelStreamErrorException m -> new ProviderException.StreamBroken(message, null);
      default -> byStatus(status, code, message);
    };
  }

  private static ProviderException byStatus(int status, String code, String message) {
    if (AUTHENTICATION_CODES.contains(code)) {
      return new ProviderException.AuthenticationFailed(message, status);
    }
    return UpstreamStatus.toException(status, message, null);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    // The async client wraps service failures in an SdkClientException on some paths.
    if (current instanceof SdkClientException
        && current.getCause() instanceof AwsServiceException s) {
      return s;
    }
    return current;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
