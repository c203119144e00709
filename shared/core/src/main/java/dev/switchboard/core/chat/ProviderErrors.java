package dev.switchboard.core.chat;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;

/** Maps the provider error family to what the client is told. The one place this is decided. */
public final class ProviderErrors {

  private ProviderErrors() {}

  public static GatewayException toGateway(ProviderException e, Model model) {
    String provider = model.provider();
    return switch (e) {
      case ProviderException.ContextLengthExceeded c ->
          new GatewayException(
              ErrorKind.INVALID_REQUEST,
              "context_length_exceeded",
              c.getMessage(),
              "messages",
              null);
      case ProviderException.ContentFiltered c ->
          new GatewayException(
              ErrorKind.INVALID_REQUEST, "content_policy_violation", c.getMessage());
      case ProviderException.BadRequest b ->
          new GatewayException(ErrorKind.INVALID_REQUEST, "upstream_bad_request", b.getMessage());
      case ProviderException.ModelNotFound n ->
          new GatewayException(
              ErrorKind.NOT_FOUND,
              "model_not_found",
              "Provider '" + provider + "' does not serve model '" + model.id() + "'.",
              "model",
              null);
      case ProviderException.RateLimited r ->
          new GatewayException(
              ErrorKind.RATE_LIMITED,
              "upstream_rate_limited",
              "Provider '" + provider + "' is rate limiting requests. Retry later.",
              null,
              r.retryAfter().orElse(null));
      case ProviderException.AuthenticationFailed a ->
          upstream(
              "upstream_authentication_failed", "rejected the gateway's credentials", provider);
      case ProviderException.PermissionDenied p ->
          upstream("upstream_permission_denied", "refused access to this model", provider);
      case ProviderException.Overloaded o ->
          upstream("upstream_overloaded", "is overloaded", provider);
      case ProviderException.ServerError s ->
          upstream("upstream_error", "failed with status " + s.upstreamStatus(), provider);
      case ProviderException.ConnectionFailed c ->
          upstream("upstream_unreachable", "could not be reached", provider);
      case ProviderException.StreamBroken b ->
          upstream("upstream_stream_broken", "broke off its response: " + b.getMessage(), provider);
      case ProviderException.Timeout t ->
          new GatewayException(
              ErrorKind.UPSTREAM_TIMEOUT,
              "upstream_timeout",
              "Provider '" + provider + "' did not answer in time (" + t.getMessage() + ").");
    };
  }

  private static GatewayException upstream(String code, String what, String provider) {
    return new GatewayException(
        ErrorKind.UPSTREAM_FAILED, code, "Provider '" + provider + "' " + what + ".");
  }
}
