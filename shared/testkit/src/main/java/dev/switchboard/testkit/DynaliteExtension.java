package dev.switchboard.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one dynalite for the whole test run (it lives in the root store and
 * is closed when the run ends) and resolves {@link DynaliteEndpoint} parameters of constructors,
 * lifecycle methods and tests.
 *
 * <pre>{@code
 * @ExtendWith(DynaliteExtension.class)
 * class KeyStoreIT {
 *   @Test
 *   void findsAStoredKey(DynaliteEndpoint dynalite) { ... dynalite.uri() ... }
 * }
 * }</pre>
 *
 * <p>Tables created by one test class stay for the next; use unique table names per class.
 */
public final class DynaliteExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DynaliteExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    dynalite(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DynaliteEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return new DynaliteEndpoint(dynalite(context).endpoint());
  }

  /** The run-wide dynalite; JUnit closes it (it is AutoCloseable) when the root context ends. */
  private static DynaliteProcess dynalite(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            DynaliteProcess.class, key -> DynaliteProcess.start(), DynaliteProcess.class);
  }
}
