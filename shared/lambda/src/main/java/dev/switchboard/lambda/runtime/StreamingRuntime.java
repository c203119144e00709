package dev.switchboard.lambda.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Variables.SetByLambda;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.InboundEvent;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Our own Lambda Runtime API loop, which streams responses (the managed Java runtimes buffer them).
 * It runs on the managed {@code java21} runtime, started by the {@code switchboard-wrapper} script
 * named in {@code AWS_LAMBDA_EXEC_WRAPPER}, so the platform's JVM, its options and SnapStart still
 * apply.
 *
 * <p>Environment: {@code AWS_LAMBDA_RUNTIME_API} (host:port of the Runtime API), {@code _HANDLER}
 * (the function's {@code Handler}: a class implementing {@link HttpHandler} with a public no-arg
 * constructor; a {@code ::method} suffix is ignored), {@code AWS_LAMBDA_INITIALIZATION_TYPE}
 * ({@code snap-start} turns on the SnapStart handshake).
 *
 * <p>Lifecycle: construct the handler once (failures go to {@code /runtime/init/error} and the
 * process exits); under SnapStart run the {@code beforeCheckpoint} hooks, wait on {@code
 * /runtime/restore/next}, run the {@code afterRestore} hooks (failures go to {@code
 * /runtime/restore/error}); then loop: {@code /invocation/next}, map the API Gateway or Function
 * URL event, call the handler with a {@link StreamingResponseSink}. Work the handler does after
 * ending its response (settling, usage records) runs before the loop asks for the next invocation.
 * An event that is not HTTP is reported to {@code /invocation/{id}/error} ({@link
 * UnrecognisedEvent}). A 5xx from the Runtime API on {@code /next}, {@code /response} or {@code
 * /error} stops the loop with a non-zero status; a 4xx on {@code /response} or {@code /error} (413
 * payload too large, 400) is logged and the loop goes on.
 */
public final class StreamingRuntime {

  static final String RUNTIME_API_ENV = SetByLambda.RUNTIME_API;
  static final String HANDLER_ENV = SetByLambda.HANDLER;
  static final String INITIALIZATION_TYPE_ENV = SetByLambda.INITIALIZATION_TYPE;
  static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RuntimeApiClient api;
  private final Callable<? extends HttpHandler> handlerFactory;
  private final Map<String, String> env;
  private final SnapStartHooks hooks;

  /**
   * For tests and for {@link #main}: the Runtime API address, how to build the handler, the
   * environment to read and the hook registry to run.
   */
  StreamingRuntime(
      String runtimeApi,
      Callable<? extends HttpHandler> handlerFactory,
      Map<String, String> env,
      SnapStartHooks hooks) {
    this.api = new RuntimeApiClient(runtimeApi);
    this.handlerFactory = handlerFactory;
    this.env = Map.copyOf(env);
    this.hooks = hooks;
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    String runtimeApi = env.get(RUNTIME_API_ENV);
    if (runtimeApi == null || runtimeApi.isBlank()) {
      RuntimeLog.warn(RUNTIME_API_ENV + " is not set; this program runs inside AWS Lambda");
      System.exit(2);
    }
    String handler = env.getOrDefault(HANDLER_ENV, args.length > 0 ? args[0] : "");
    StreamingRuntime runtime =
        new StreamingRuntime(runtimeApi, () -> instantiate(handler), env, SnapStartHooks.global());
    System.exit(runtime.run());
  }

  /**
   * Initialises, then serves invocations until the Runtime API goes away. Returns the exit status
   * for the process: never 0, because a healthy runtime never stops on its own.
   */
  int run() {
    HttpHandler handler;
    try {
      handler = construct();
    } catch (InitFailure failure) {
      RuntimeLog.warn("init failed: " + failure.errorType + ": " + failure.getMessage());
      report(() -> api.initError(failure.errorType, failure.getMessage()));
      return 1;
    }
    if (handler instanceof SnapStartResource resource) {
      hooks.register(resource);
    }
    if ("snap-start".equals(env.get(INITIALIZATION_TYPE_ENV)) && !snapStartHandshake()) {
      return 1;
    }
    while (true) {
      Invocation invocation;
      try {
        invocation = api.next();
      } catch (IOException e) {
        RuntimeLog.warn("the runtime API is unreachable, stopping: " + e.getClass().getName());
        return 1;
      }
      if (!invoke(handler, invocation)) {
        RuntimeLog.warn(
            "the runtime API reported a container error for invocation "
                + invocation.requestId()
                + ", stopping");
        return 1;
      }
    }
  }

  private boolean snapStartHandshake() {
    try {
      hooks.runBeforeCheckpoint();
    } catch (Exception | LinkageError e) {
      String message = FailureMessage.of("a beforeCheckpoint hook", e);
      RuntimeLog.warn(message);
      report(() -> api.initError("Runtime.BeforeCheckpointFailed", message));
      return false;
    }
    try {
      api.restoreNext();
    } catch (IOException e) {
      RuntimeLog.warn("GET /restore/next failed: " + e.getClass().getName());
      return false;
    }
    try {
      hooks.runAfterRestore();
      return true;
    } catch (Exception | LinkageError e) {
      // the gateway reads its provider secret here: the message names the secret's variable
      String message = FailureMessage.of("an afterRestore hook", e);
      RuntimeLog.warn(message);
      report(() -> api.restoreError("Runtime.AfterRestoreFailed", message));
      return false;
    }
  }

  /**
   * Serves one invocation. Returns false when the Runtime API answered its response or error with a
   * 5xx ("Container error. Non-recoverable state. Runtime should exit promptly").
   */
  private boolean invoke(HttpHandler handler, Invocation invocation) {
    if (invocation.traceId() == null) {
      System.clearProperty(TRACE_PROPERTY);
    } else {
      System.setProperty(TRACE_PROPERTY, invocation.traceId());
    }
    StreamingResponseSink sink = new StreamingResponseSink(api, invocation.requestId());
    Throwable failure = null;
    try {
      JsonNode event = parse(invocation.event());
      switch (event == null ? new InboundEvent.NotHttp() : ApiGatewayEvents.read(event)) {
        case InboundEvent.Request request -> handler.handle(request.request(), sink);
        case InboundEvent.Malformed malformed -> {
          RuntimeLog.info(
              "invocation " + invocation.requestId() + ": " + malformed.code() + "; answered 400");
          malformed.answer(sink);
        }
        case InboundEvent.NotHttp notHttp -> {
          // a function error, so that the Errors alarm sees it and an async source can retry it
          String message = UnrecognisedEvent.message(event);
          RuntimeLog.info("invocation " + invocation.requestId() + ": " + message);
          sink.abort(UnrecognisedEvent.ERROR_TYPE, message);
        }
      }
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      // the handler broke its promise not to throw; the invocation still gets an answer below
      failure = e;
    }
    settle(sink, invocation.requestId(), failure);
    return !sink.containerError();
  }

  /** Makes sure every invocation ends, whatever the handler did or failed to do. */
  private static void settle(StreamingResponseSink sink, String requestId, Throwable failure) {
    if (failure != null) {
      RuntimeLog.warn(
          "invocation " + requestId + ": handler threw " + failure.getClass().getName());
    }
    if (sink.done()) {
      return;
    }
    if (failure != null) {
      sink.abort("Runtime.HandlerFailed", "the handler threw " + failure.getClass().getName());
    } else if (sink.started()) {
      RuntimeLog.warn("invocation " + requestId + ": handler returned without ending its response");
      sink.abort("Runtime.IncompleteResponse", "the handler returned without ending its response");
    } else {
      RuntimeLog.warn("invocation " + requestId + ": handler returned without responding");
      sink.abort("Runtime.NoResponse", "the handler returned without responding");
    }
  }

  /** The event as JSON, or null when it is not JSON at all. */
  private static JsonNode parse(byte[] event) {
    try {
      return JSON.readTree(event);
    } catch (IOException e) {
      return null;
    }
  }

  private HttpHandler construct() throws InitFailure {
    try {
      HttpHandler handler = handlerFactory.call();
      if (handler == null) {
        throw new InitFailure("Runtime.InvalidHandler", "the handler factory returned null");
      }
      return handler;
    } catch (InitFailure e) {
      throw e;
    } catch (Exception | LinkageError e) {
      throw new InitFailure(
          "Runtime.HandlerInitFailed", FailureMessage.of("building the handler", e));
    }
  }

  /** Loads and constructs the handler class named by {@code _HANDLER}. */
  static HttpHandler instantiate(String handler) throws InitFailure {
    String className = handler == null ? "" : handler.strip();
    int method = className.indexOf("::");
    if (method >= 0) {
      className = className.substring(0, method);
    }
    if (className.isEmpty()) {
      throw new InitFailure("Runtime.InvalidHandler", HANDLER_ENV + " names no handler class");
    }
    Class<?> type;
    try {
      type = Class.forName(className, true, StreamingRuntime.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new InitFailure("Runtime.HandlerNotFound", "handler class " + className + " not found");
    } catch (ExceptionInInitializerError e) {
      logCause(className, e.getCause());
      throw new InitFailure(
          "Runtime.HandlerInitFailed",
          FailureMessage.of("static initialisation of " + className, e));
    }
    if (!HttpHandler.class.isAssignableFrom(type)) {
      throw new InitFailure(
          "Runtime.InvalidHandler",
          className + " does not implement " + HttpHandler.class.getName());
    }
    try {
      return (HttpHandler) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new InitFailure(
          "Runtime.InvalidHandler", className + " has no public no-argument constructor");
    } catch (InvocationTargetException e) {
      logCause(className, e.getCause());
      // the settings' own message names the variable at fault; FailureMessage masks its values
      throw new InitFailure(
          "Runtime.HandlerInitFailed", FailureMessage.of("the constructor of " + className, e));
    } catch (InstantiationException e) {
      throw new InitFailure("Runtime.InvalidHandler", className + " is abstract");
    }
  }

  /**
   * Where construction failed, for the operator's log: the exception class and the frame that threw
   * it. The message goes into the init error (and the log line {@link #run} writes) only as {@link
   * FailureMessage} masks it.
   */
  private static void logCause(String className, Throwable cause) {
    StackTraceElement[] frames = cause == null ? new StackTraceElement[0] : cause.getStackTrace();
    RuntimeLog.warn(
        "constructing "
            + className
            + " failed: "
            + (cause == null ? "unknown cause" : cause.getClass().getName())
            + (frames.length > 0 ? " at " + frames[0] : ""));
  }

  private static void report(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      RuntimeLog.warn("could not report to the runtime API: " + e.getClass().getName());
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** An initialisation failure with the error type to report to {@code /init/error}. */
  static final class InitFailure extends Exception {
    final String errorType;

    InitFailure(String errorType, String message) {
      super(message);
      this.errorType = errorType;
    }
  }
}
