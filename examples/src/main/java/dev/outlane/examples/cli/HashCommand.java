package dev.outlane.examples.cli;

import dev.outlane.Problem;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import dev.outlane.identity.IdentityNormalizer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outlane hash --profile meta|google|tiktok [--region CC] [--email E] [--phone P]}: prints
 * the identifiers exactly as that destination must receive them, SHA-256 lower-case hex ({@code
 * {"email":"<64 hex>","phone":"<64 hex>"}}, only the fields given). A value that already is a
 * SHA-256 is passed through lower-cased. Same error contract as {@code normalize}.
 */
@Command(
    name = "hash",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = "Prints identifiers normalized and SHA-256 hashed for one destination.")
final class HashCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--profile",
      required = true,
      paramLabel = "meta|google|tiktok",
      converter = ProfileConverter.class,
      description = "The destination's hashing profile: meta, google or tiktok.")
  HashingProfile profile = HashingProfile.META;

  @Mixin IdentityOptions identity = new IdentityOptions();

  @Override
  public Integer call() {
    if (identity.email == null && identity.phone == null) {
      throw new ParameterException(spec.commandLine(), "Give at least one of --email, --phone");
    }
    PrintWriter err = spec.commandLine().getErr();
    IdentityNormalizer normalizer = identity.normalizer(err, "hash");
    if (normalizer == null) {
      err.flush();
      return 2;
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    String email = identity.email;
    if (email != null) {
      NormalizeCommand.put(
          out,
          problems,
          "email",
          () ->
              alreadyHashed(email)
                  ? profile.hashEmail(email.strip())
                  : profile.hashEmail(normalizer.normalizeEmail(email)));
    }
    String phone = identity.phone;
    if (phone != null) {
      NormalizeCommand.put(
          out,
          problems,
          "phone",
          () ->
              alreadyHashed(phone)
                  ? profile.hashPhone(phone.strip())
                  : profile.hashPhone(normalizer.normalizePhone(phone)));
    }
    if (!problems.isEmpty()) {
      IdentityOptions.printProblems(err, "hash", problems);
      err.flush();
      return 2;
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(JsonOutput.object(out));
    stdout.flush();
    return 0;
  }

  /** A SHA-256 given in place of the value is passed through, if the profile allows it. */
  private boolean alreadyHashed(String raw) {
    return profile.passThroughHashed() && Sha256.looksHashed(raw.strip());
  }

  /** Reads {@code --profile} with {@link HashingProfile#named}; an unknown name is a usage error. */
  static final class ProfileConverter implements CommandLine.ITypeConverter<HashingProfile> {
    @Override
    public HashingProfile convert(String value) {
      try {
        return HashingProfile.named(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "unknown hashing profile \"" + value + "\" (known: meta, google, tiktok)");
      }
    }
  }
}
