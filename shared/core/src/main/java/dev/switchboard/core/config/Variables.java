package dev.switchboard.core.config;

/**
 * Every configuration variable a Switchboard function or the dev server reads, with its default and
 * range where it has them: the one list the settings classes read from and {@code
 * docs/CONFIGURATION.md} is checked against. A vendor's own key and base URL are named after its
 * prefix ({@link #apiKey}, {@link #baseUrl}); the vendors are listed in the providers module.
 */
public final class Variables {

  private Variables() {}

  // The stores: every function

  public static final String KEYS_TABLE = "KEYS_TABLE";
  public static final String BUDGETS_TABLE = "BUDGETS_TABLE";
  public static final String CACHE_TABLE = "CACHE_TABLE";
  public static final String USAGE_TABLE = "USAGE_TABLE";
  public static final String RESPONSES_TABLE = "RESPONSES_TABLE";

  /** The most one DynamoDB call may take, retries included; reports override the default. */
  public static final WholeNumber STORE_TIMEOUT_MS =
      new WholeNumber("STORE_TIMEOUT_MS", 3000, 100, 60_000);

  public static final String AWS_REGION = "AWS_REGION";
  public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
  public static final String AWS_ENDPOINT_URL_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";
  public static final String AWS_ENDPOINT_URL_SECRETS_MANAGER = "AWS_ENDPOINT_URL_SECRETS_MANAGER";

  // Usage records: the gateway writes them, the reporting function reads them

  public static final WholeNumber USAGE_RETENTION_DAYS =
      new WholeNumber("USAGE_RETENTION_DAYS", 90, 1, 3650);
  public static final WholeNumber USAGE_WRITE_ATTEMPTS =
      new WholeNumber("USAGE_WRITE_ATTEMPTS", 3, 1, 10);
  public static final Flag LOG_MESSAGE_CONTENT = new Flag("LOG_MESSAGE_CONTENT", false);

  // Stored responses (the Responses door): how long one is kept before it is no longer found

  public static final WholeNumber RESPONSES_RETENTION_DAYS =
      new WholeNumber("RESPONSES_RETENTION_DAYS", 30, 1, 3650);

  // The gateway's admission, cache and request limits

  public static final WholeNumber RESERVATION_EXPIRY_SECONDS =
      new WholeNumber("RESERVATION_EXPIRY_SECONDS", 960, 1, 86_400);
  public static final WholeNumber BUDGET_SLICE_IDLE_SECONDS =
      new WholeNumber("BUDGET_SLICE_IDLE_SECONDS", 60, 0, 3600);
  public static final WholeNumber CACHE_DEFAULT_TTL_SECONDS =
      new WholeNumber("CACHE_DEFAULT_TTL_SECONDS", 300, 1, 2_592_000);
  public static final WholeNumber CACHE_MAX_TTL_SECONDS =
      new WholeNumber("CACHE_MAX_TTL_SECONDS", 86_400, 1, 2_592_000);
  public static final Flag SEMANTIC_CACHE_ENABLED = new Flag("SEMANTIC_CACHE_ENABLED", false);
  public static final WholeNumber SEMANTIC_CACHE_SIMILARITY_PERCENT =
      new WholeNumber("SEMANTIC_CACHE_SIMILARITY_PERCENT", 95, 50, 100);
  public static final WholeNumber KEY_CACHE_TTL_SECONDS =
      new WholeNumber("KEY_CACHE_TTL_SECONDS", 60, 0, 3600);
  public static final WholeNumber MAX_REQUEST_BYTES =
      new WholeNumber("MAX_REQUEST_BYTES", 4 * 1024 * 1024, 1024, 10 * 1024 * 1024);
  public static final String MODEL_CATALOG_FILE = "MODEL_CATALOG_FILE";
  public static final String ROUTING_CONFIG_FILE = "ROUTING_CONFIG_FILE";

  /** The upstream MCP servers the gateway fronts at {@code /mcp/{server}}, as a JSON object. */
  public static final String MCP_SERVERS = "MCP_SERVERS";

  /**
   * The secret (at least 32 characters) that seals the ids of the MCP upstreams' requests relayed
   * to clients (elicitation, sampling); without it the gateway answers them itself.
   */
  public static final String MCP_RELAY_SECRET = "MCP_RELAY_SECRET";

  /** The guardrail policies as JSON (docs/GUARDRAILS.md); the gateway and the admin API read it. */
  public static final String GUARDRAILS = "GUARDRAILS";

  /** The same JSON in a file, when it is too long for an environment variable. */
  public static final String GUARDRAILS_FILE = "GUARDRAILS_FILE";

  /**
   * How long an instance uses the guardrail policies managed through the admin API before it reads
   * them again; at least a second, so that no request reads them each time.
   */
  public static final WholeNumber GUARDRAIL_POLICIES_TTL_SECONDS =
      new WholeNumber("GUARDRAIL_POLICIES_TTL_SECONDS", 60, 1, 3600);

  /**
   * The origin browsers may read responses from ({@code *} for any), sent as {@code
   * Access-Control-Allow-Origin} on every response: API Gateway answers the preflight, but with a
   * proxy integration only the function can add the header to the response itself.
   */
  public static final String CORS_ALLOW_ORIGIN = "CORS_ALLOW_ORIGIN";

  /**
   * On AWS: the Secrets Manager secret holding provider credentials as a JSON object of these same
   * variable names, merged under the environment before the settings are read.
   */
  public static final String PROVIDER_SECRET_ARN = "PROVIDER_SECRET_ARN";

  // Upstream calls: timeouts, retries, circuit breakers

  public static final WholeNumber UPSTREAM_CONNECT_TIMEOUT_MS =
      new WholeNumber("UPSTREAM_CONNECT_TIMEOUT_MS", 5000, 100, 60_000);
  public static final WholeNumber UPSTREAM_FIRST_BYTE_TIMEOUT_MS =
      new WholeNumber("UPSTREAM_FIRST_BYTE_TIMEOUT_MS", 120_000, 100, 900_000);
  public static final WholeNumber UPSTREAM_IDLE_TIMEOUT_MS =
      new WholeNumber("UPSTREAM_IDLE_TIMEOUT_MS", 60_000, 100, 900_000);
  public static final WholeNumber UPSTREAM_TOTAL_TIMEOUT_MS =
      new WholeNumber("UPSTREAM_TOTAL_TIMEOUT_MS", 300_000, 100, 900_000);
  public static final WholeNumber UPSTREAM_MAX_RETRIES =
      new WholeNumber("UPSTREAM_MAX_RETRIES", 2, 0, 10);
  public static final WholeNumber UPSTREAM_RETRY_BASE_DELAY_MS =
      new WholeNumber("UPSTREAM_RETRY_BASE_DELAY_MS", 200, 0, 60_000);
  public static final WholeNumber UPSTREAM_RETRY_MAX_DELAY_MS =
      new WholeNumber("UPSTREAM_RETRY_MAX_DELAY_MS", 5_000, 0, 300_000);
  public static final WholeNumber STREAM_KEEPALIVE_MS =
      new WholeNumber("STREAM_KEEPALIVE_MS", 5_000, 50, 60_000);
  public static final WholeNumber CIRCUIT_FAILURE_THRESHOLD =
      new WholeNumber("CIRCUIT_FAILURE_THRESHOLD", 5, 1, 1000);
  public static final WholeNumber CIRCUIT_COOLDOWN_MS =
      new WholeNumber("CIRCUIT_COOLDOWN_MS", 30_000, 0, 3_600_000);

  /** The Messages door's thinking budgets that ask other providers for medium and high effort. */
  public static final WholeNumber THINKING_MEDIUM_FROM_TOKENS =
      new WholeNumber("THINKING_MEDIUM_FROM_TOKENS", 4_096, 1, 1_000_000);

  public static final WholeNumber THINKING_HIGH_FROM_TOKENS =
      new WholeNumber("THINKING_HIGH_FROM_TOKENS", 16_384, 1, 1_000_000);

  /** How often an instance rereads the endpoint health all instances share; 0 turns sharing off. */
  public static final WholeNumber SHARED_HEALTH_REFRESH_MS =
      new WholeNumber("SHARED_HEALTH_REFRESH_MS", 5_000, 0, 60_000);

  // Providers

  public static final String API_KEY_SUFFIX = "_API_KEY";
  public static final String BASE_URL_SUFFIX = "_BASE_URL";
  public static final Flag ECHO_MODEL_ENABLED = new Flag("ECHO_MODEL_ENABLED", true);
  public static final WholeNumber ECHO_CHUNK_DELAY_MS =
      new WholeNumber("ECHO_CHUNK_DELAY_MS", 25, 0, 10_000);
  public static final String AZURE_OPENAI_ENDPOINT = "AZURE_OPENAI_ENDPOINT";
  public static final String AZURE_OPENAI_API_VERSION = "AZURE_OPENAI_API_VERSION";
  public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
  public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";
  public static final Flag ANTHROPIC_AUTO_CACHE = new Flag("ANTHROPIC_AUTO_CACHE", false);
  public static final String GEMINI_API_KEY = "GEMINI_API_KEY";
  public static final String GEMINI_BASE_URL = "GEMINI_BASE_URL";
  public static final String BEDROCK_ENABLED = "BEDROCK_ENABLED";
  public static final String BEDROCK_REGION = "BEDROCK_REGION";
  public static final String AWS_ENDPOINT_URL_BEDROCK_RUNTIME = "AWS_ENDPOINT_URL_BEDROCK_RUNTIME";

  /** A Google Cloud service-account key (its JSON), for Gemini and Claude on Vertex AI. */
  public static final String VERTEX_CREDENTIALS = "VERTEX_CREDENTIALS";

  public static final String VERTEX_PROJECT = "VERTEX_PROJECT";
  public static final String VERTEX_LOCATION = "VERTEX_LOCATION";
  public static final String VERTEX_BASE_URL = "VERTEX_BASE_URL";

  // The reporting function

  public static final WholeNumber REPORT_MAX_RECORDS =
      new WholeNumber("REPORT_MAX_RECORDS", 200_000, 100, 5_000_000);
  public static final WholeNumber REPORT_MAX_DAYS =
      new WholeNumber("REPORT_MAX_DAYS", 366, 1, 3650);

  /** Reports may scan for longer than a request may wait, so their store timeout is longer. */
  public static final WholeNumber REPORT_STORE_TIMEOUT_MS = STORE_TIMEOUT_MS.withFallback(10_000);

  // Identity: OIDC sign-in for the admin API and the dashboard (off unless OIDC_ISSUER is set)

  public static final String OIDC_ISSUER = "OIDC_ISSUER";
  public static final String OIDC_CLIENT_ID = "OIDC_CLIENT_ID";
  public static final String OIDC_AUDIENCE = "OIDC_AUDIENCE";
  public static final String OIDC_ROLES_CLAIM = "OIDC_ROLES_CLAIM";
  public static final String OIDC_ADMIN_GROUPS = "OIDC_ADMIN_GROUPS";
  public static final String OIDC_MEMBER_GROUPS = "OIDC_MEMBER_GROUPS";
  public static final String OIDC_VIEWER_GROUPS = "OIDC_VIEWER_GROUPS";
  public static final WholeNumber OIDC_CLOCK_SKEW_SECONDS =
      new WholeNumber("OIDC_CLOCK_SKEW_SECONDS", 60, 0, 300);
  public static final WholeNumber OIDC_JWKS_CACHE_SECONDS =
      new WholeNumber("OIDC_JWKS_CACHE_SECONDS", 900, 60, 86_400);
  public static final String OIDC_CLIENT_SECRET = "OIDC_CLIENT_SECRET";
  public static final String OIDC_CLIENT_SECRET_ARN = "OIDC_CLIENT_SECRET_ARN";
  public static final String DASHBOARD_URL = "DASHBOARD_URL";
  public static final String API_STAGE = "API_STAGE";

  // The dev server

  public static final WholeNumber PORT = new WholeNumber("PORT", 8080, 0, 65_535);
  public static final String HOST = "HOST";
  public static final String SWITCHBOARD_DEV_KEY = "SWITCHBOARD_DEV_KEY";
  public static final WholeNumber RECONCILE_INTERVAL_SECONDS =
      new WholeNumber("RECONCILE_INTERVAL_SECONDS", 60, 0, 86_400);

  /** A vendor's key variable: {@code GROQ_API_KEY} for prefix {@code GROQ}. */
  public static String apiKey(String prefix) {
    return prefix + API_KEY_SUFFIX;
  }

  /** A vendor's base URL variable: {@code GROQ_BASE_URL} for prefix {@code GROQ}. */
  public static String baseUrl(String prefix) {
    return prefix + BASE_URL_SUFFIX;
  }

  /**
   * Set by the Lambda service, never by an operator, so not in the configuration table: where the
   * Runtime API is, which handler to load, and how the environment was initialised.
   */
  public static final class SetByLambda {

    private SetByLambda() {}

    public static final String RUNTIME_API = "AWS_LAMBDA_RUNTIME_API";
    public static final String HANDLER = "_HANDLER";
    public static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    public static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
  }

  /**
   * The AWS SDK's own credential variables, as AWS documents them: set by Lambda (without
   * SnapStart) or a developer's shell, so not in the configuration table either.
   */
  public static final class AwsCredentials {

    private AwsCredentials() {}

    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String PROFILE = "AWS_PROFILE";
    public static final String CONTAINER_CREDENTIALS_FULL_URI =
        "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  }
}
