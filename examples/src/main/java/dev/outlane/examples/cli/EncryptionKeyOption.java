package dev.outlane.examples.cli;

import dev.outlane.storage.EncryptionKey;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --encryption-key-env NAME}: where the durable commands ({@code send --dir}, {@code
 * dead-letters list|replay}) read the key that encrypts a directory's journal events and dead
 * letters at rest ({@link EncryptionKey}, AES-256-GCM). The key is the base64 of 32 random bytes
 * ({@code openssl rand -base64 32}) in an environment variable, {@value #DEFAULT_VARIABLE} unless
 * the option names another: a key on the command line would show in {@code ps} and shell history.
 *
 * <p>The default variable unset means no encryption. A variable named with the option must be set.
 * The value is never printed: a malformed one is reported by the variable's name and what is wrong
 * with it ({@link KeyException}, which the commands turn into exit code 2).
 *
 * <p>A picocli mixin; not thread-safe (one per command invocation).
 */
final class EncryptionKeyOption {
  /** The variable read when {@code --encryption-key-env} is not given. */
  static final String DEFAULT_VARIABLE = "OUTLANE_ENCRYPTION_KEY";

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  /** How EncryptionKey's messages start; replaced by the variable's name. */
  private static final String KEY_PREFIX = "encryptionKey: ";

  @Option(
      names = "--encryption-key-env",
      paramLabel = "NAME",
      description = {
        "Read the at-rest encryption key (base64 of 32 bytes, e.g. from `openssl rand -base64 32`)",
        "from environment variable NAME (default " + DEFAULT_VARIABLE + "; unset: no encryption).",
        "The key is never printed; a directory written with a key needs the same key to be read.",
      })
  @Nullable String variable;

  /** Whether {@code --encryption-key-env} was given. */
  boolean given() {
    return variable != null;
  }

  /**
   * The key from the environment, or null when {@value #DEFAULT_VARIABLE} is unset and no other
   * variable was named.
   *
   * @throws KeyException naming the option or the variable (never its value) if the name is not a
   *     variable name, a named variable is unset, or the value is not base64 of 32 bytes
   */
  @Nullable EncryptionKey read(Function<String, @Nullable String> env) throws KeyException {
    String name = variable != null ? variable : DEFAULT_VARIABLE;
    if (!VARIABLE.matcher(name).matches()) {
      throw new KeyException("--encryption-key-env: not an environment variable name (letters,"
          + " digits and _, not starting with a digit)");
    }
    String value = env.apply(name);
    if (value == null) {
      if (variable != null) {
        throw new KeyException("--encryption-key-env " + name + ": " + name + " is not set");
      }
      return null;
    }
    try {
      return EncryptionKey.fromBase64(value);
    } catch (IllegalArgumentException e) {
      String reason = e.getMessage() == null ? "not a key" : e.getMessage();
      if (reason.startsWith(KEY_PREFIX)) {
        reason = reason.substring(KEY_PREFIX.length());
      }
      throw new KeyException(name + ": " + reason);
    }
  }

  /** A usage error about the key: its message names the variable, never the value. */
  static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message, null, false, false);
    }
  }
}
