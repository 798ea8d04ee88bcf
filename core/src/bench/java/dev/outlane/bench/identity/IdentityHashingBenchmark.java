package dev.outlane.bench.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.DigestUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Email + phone normalize + hash per destination profile, next to the floor: raw libphonenumber
 * {@code parse} + {@code format(E164)} and commons-codec {@code sha256Hex} of the email and the
 * phone, with no SDK code. One operation is one identity (one email and one phone).
 *
 * <p>{@code unique*} benchmarks cycle through 100,000 distinct valid numbers (US and GB, in mixed
 * national and international spellings), so a phone cache cannot help; {@code repeated*} cycle
 * through 1,000, to show what the optional cache buys when numbers recur.
 *
 * <p>Run: {@code mvn -B -o -pl core -am -P bench verify -Dbench.args="IdentityHashingBenchmark -f 1
 * -wi 2 -i 3 -w 2s -r 2s"} (the profile's build-helper-maven-plugin 3.8.0 needs Maven 3.9+). Without
 * the profile: put {@code core/target/classes} and core's test classpath (plus jmh-core and
 * jmh-generator-annprocess) on the class path, compile {@code src/bench/java} with {@code javac
 * -processor org.openjdk.jmh.generators.BenchmarkProcessor}, and run {@code org.openjdk.jmh.Main}.
 *
 * <p>On a machine shared with other work, wall-clock throughput swings by an order of magnitude
 * between iterations; {@link IdentityCpuTimeHarness} measures the same variants in CPU time.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class IdentityHashingBenchmark {
  /** Distinct identities in the unique data set: far more than any cache the benchmark configures. */
  static final int UNIQUE = 100_000;

  /** Distinct identities in the repeated data set: fits in the cache. */
  static final int REPEATED = 1_000;

  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();

  private String[] emails = new String[0];
  private String[] phones = new String[0];
  private String[] customerIds = new String[0];
  private int next;

  private final IdentityNormalizer normalizer = IdentityNormalizer.create();
  private final IdentityNormalizer cachedNormalizer =
      IdentityNormalizer.builder().phoneCacheSize(10_000).build();

  @Setup(Level.Trial)
  public void generate() {
    Random random = new Random(20261129L);
    Set<String> unique = new LinkedHashSet<>();
    List<String> e164s = new ArrayList<>();
    int[] usAreas = {201, 206, 212, 213, 303, 305, 312, 404, 415, 512, 617, 650, 702, 713, 818, 917};
    while (unique.size() < UNIQUE) {
      String candidate;
      String spelled;
      if (random.nextInt(4) == 0) {
        // GB mobile, spelled with + or with the US international prefix 011.
        long subscriber = 7_400_000_000L + (long) (random.nextDouble() * 599_999_999L);
        candidate = "+44" + subscriber;
        spelled = random.nextBoolean()
            ? "+44 " + Long.toString(subscriber).substring(0, 4) + " " + Long.toString(subscriber).substring(4)
            : "011 44 " + subscriber;
      } else {
        int area = usAreas[random.nextInt(usAreas.length)];
        int exchange = 200 + random.nextInt(800);
        int line = random.nextInt(10_000);
        candidate = String.format("+1%d%d%04d", area, exchange, line);
        spelled = random.nextBoolean()
            ? String.format("(%d) %d-%04d", area, exchange, line)
            : String.format("+1 %d-%d-%04d", area, exchange, line);
      }
      if (parsesTo(spelled, candidate) && unique.add(candidate)) {
        e164s.add(spelled);
      }
    }
    phones = e164s.toArray(new String[0]);
    emails = new String[UNIQUE];
    customerIds = new String[UNIQUE];
    for (int i = 0; i < UNIQUE; i++) {
      emails[i] = (i % 3 == 0 ? " First.Last" : "user") + i + (i % 2 == 0 ? "@Gmail.com" : "@example.org");
      customerIds[i] = "cust-" + i;
    }
  }

  String[] emails() {
    return emails.clone();
  }

  String[] phones() {
    return phones.clone();
  }

  String[] customerIds() {
    return customerIds.clone();
  }

  /** Whether {@code spelled}, read in region US, is a valid number with that E.164 form. */
  private static boolean parsesTo(String spelled, String e164) {
    try {
      PhoneNumber number = PHONE_UTIL.parse(spelled, "US");
      return PHONE_UTIL.isValidNumber(number)
          && PHONE_UTIL.format(number, PhoneNumberFormat.E164).equals(e164);
    } catch (NumberParseException e) {
      return false;
    }
  }

  private int nextUnique() {
    int i = next;
    next = i + 1 == UNIQUE ? 0 : i + 1;
    return i;
  }

  private int nextRepeated() {
    int i = next;
    next = i + 1 >= REPEATED ? 0 : i + 1;
    return i;
  }

  /** The floor: libphonenumber parse + format(E164), and sha256Hex of email and phone. */
  @Benchmark
  public void floorUnique(Blackhole bh) throws NumberParseException {
    floor(nextUnique(), bh);
  }

  /**
   * The floor plus libphonenumber's {@code isValidNumber}, which the SDK must call and the floor
   * does not: shows how much of any gap is validation rather than SDK overhead.
   */
  @Benchmark
  public void floorValidatedUnique(Blackhole bh) throws NumberParseException {
    int i = nextUnique();
    PhoneNumber number = PHONE_UTIL.parse(phones[i], "US");
    bh.consume(PHONE_UTIL.isValidNumber(number));
    String e164 = PHONE_UTIL.format(number, PhoneNumberFormat.E164);
    bh.consume(DigestUtils.sha256Hex(emails[i]));
    bh.consume(DigestUtils.sha256Hex(e164));
  }

  @Benchmark
  public HashedIdentity metaUnique() {
    return sdk(normalizer, HashingProfile.META, nextUnique());
  }

  @Benchmark
  public HashedIdentity googleUnique() {
    return sdk(normalizer, HashingProfile.GOOGLE, nextUnique());
  }

  @Benchmark
  public HashedIdentity tiktokUnique() {
    return sdk(normalizer, HashingProfile.TIKTOK, nextUnique());
  }

  /** The cache's cost when it never hits: every phone is new. */
  @Benchmark
  public HashedIdentity metaUniqueCached() {
    return sdk(cachedNormalizer, HashingProfile.META, nextUnique());
  }

  @Benchmark
  public void floorRepeated(Blackhole bh) throws NumberParseException {
    floor(nextRepeated(), bh);
  }

  @Benchmark
  public HashedIdentity metaRepeated() {
    return sdk(normalizer, HashingProfile.META, nextRepeated());
  }

  /** What the cache buys when the same 1,000 numbers recur. */
  @Benchmark
  public HashedIdentity metaRepeatedCached() {
    return sdk(cachedNormalizer, HashingProfile.META, nextRepeated());
  }

  private void floor(int i, Blackhole bh) throws NumberParseException {
    PhoneNumber number = PHONE_UTIL.parse(phones[i], "US");
    String e164 = PHONE_UTIL.format(number, PhoneNumberFormat.E164);
    bh.consume(DigestUtils.sha256Hex(emails[i]));
    bh.consume(DigestUtils.sha256Hex(e164));
  }

  private HashedIdentity sdk(IdentityNormalizer n, HashingProfile profile, int i) {
    Identity identity = n.normalize(customerIds[i], emails[i], phones[i]);
    return profile.hash(identity);
  }
}
