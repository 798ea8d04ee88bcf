package dev.outlane.postgres.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a fresh database on a real PostgreSQL server: {@code
 * @ExtendWith(PostgresExtension.class)}, then take a {@link TestDatabase} as a constructor,
 * {@code @BeforeAll} or test-method parameter. The server ({@link PostgresServer}) is started once
 * per test run and shared by every class; it stops when the run ends. Without a server to start or
 * use, every such class fails with {@link PostgresServer}'s instructions (never skips).
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    database(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return database(context);
  }

  private static TestDatabase database(ExtensionContext context) {
    // The root store outlives every class: the server is closed (stopped) when the run ends.
    PostgresServer server = context.getRoot().getStore(NS)
        .computeIfAbsent(PostgresServer.class, k -> PostgresServer.shared(), PostgresServer.class);
    Class<?> testClass = context.getRequiredTestClass();
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).computeIfAbsent(TestDatabase.class,
        k -> new TestDatabase(server, server.createDatabase(testClass.getSimpleName())),
        TestDatabase.class);
  }
}
