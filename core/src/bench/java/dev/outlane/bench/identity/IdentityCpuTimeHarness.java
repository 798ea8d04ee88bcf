package dev.outlane.bench.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.IdentityNormalizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The same comparison as {@link IdentityHashingBenchmark}, measured in <em>thread CPU time</em>
 * instead of wall-clock time, for machines shared with other work: on a loaded machine JMH's
 * wall-clock throughput mostly measures the scheduler. Variants run interleaved in rounds over the
 * same data (100,000 unique valid numbers, or 1,000 repeated ones), in a new random order each
 * round; the median and the best round of each are reported as identities per CPU-second, single
 * thread. Under contention the best round is the closer estimate of the uncontended speed.
 *
 * <p>Run after compiling the bench sources: {@code java -cp … dev.outlane.bench.identity
 * .IdentityCpuTimeHarness [rounds]}.
 */
public final class IdentityCpuTimeHarness {
  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final String[] emails;
  private final String[] phones;
  private final String[] customerIds;
  private final IdentityNormalizer normalizer = IdentityNormalizer.create();
  private final IdentityNormalizer cached = IdentityNormalizer.builder().phoneCacheSize(10_000).build();
  private long checksum;

  private IdentityCpuTimeHarness() {
    IdentityHashingBenchmark data = new IdentityHashingBenchmark();
    data.generate();
    this.emails = data.emails();
    this.phones = data.phones();
    this.customerIds = data.customerIds();
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    new IdentityCpuTimeHarness().run(rounds);
  }

  private interface Variant {
    void run(int from, int to) throws Exception;
  }

  private void run(int rounds) throws Exception {
    int block = 20_000;
    int unique = phones.length;
    String[] names = {
      "floor (parse+format+sha256 x2)", "floor + isValidNumber", "sdk meta", "sdk google", "sdk tiktok",
      "sdk meta, cache 10k (unique: all misses)", "floor, 1k repeated", "sdk meta, 1k repeated",
      "sdk meta, cache 10k, 1k repeated"
    };
    Variant[] variants = {
      (a, b) -> floor(a, b, false),
      (a, b) -> floor(a, b, true),
      (a, b) -> sdk(normalizer, HashingProfile.META, a, b),
      (a, b) -> sdk(normalizer, HashingProfile.GOOGLE, a, b),
      (a, b) -> sdk(normalizer, HashingProfile.TIKTOK, a, b),
      (a, b) -> sdk(cached, HashingProfile.META, a, b),
      (a, b) -> floorRepeated(a, b),
      (a, b) -> sdkRepeated(normalizer, a, b),
      (a, b) -> sdkRepeated(cached, a, b),
    };
    List<List<Double>> results = new ArrayList<>();
    for (int v = 0; v < variants.length; v++) {
      results.add(new ArrayList<>());
    }
    int offset = 0;
    List<Integer> order = new ArrayList<>();
    for (int v = 0; v < variants.length; v++) {
      order.add(v);
    }
    Random shuffler = new Random(7);
    for (int round = -3; round < rounds; round++) { // three warm-up rounds
      // A new order each round, so no variant always runs right after the same neighbour.
      Collections.shuffle(order, shuffler);
      for (int v : order) {
        long start = THREADS.getCurrentThreadCpuTime();
        variants[v].run(offset, offset + block);
        long cpu = THREADS.getCurrentThreadCpuTime() - start;
        if (round >= 0) {
          results.get(v).add(block * 1e9 / cpu);
        }
      }
      offset = (offset + block) % unique;
    }
    System.out.printf(
        Locale.ROOT, "%-44s %14s %8s %14s %8s%n",
        "variant (single thread)", "median ids/s", "vs floor", "best ids/s", "vs floor");
    for (int v = 0; v < variants.length; v++) {
      int base = v >= 6 ? 6 : 0; // repeated variants compare with the repeated floor
      double median = median(results.get(v));
      double best = Collections.max(results.get(v));
      System.out.printf(
          Locale.ROOT, "%-44s %14.0f %7.1f%% %14.0f %7.1f%%%n", names[v],
          median, 100 * median / median(results.get(base)),
          best, 100 * best / Collections.max(results.get(base)));
    }
    System.out.println("checksum " + checksum);
  }

  private static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }

  private void floor(int from, int to, boolean validate) throws NumberParseException {
    long sum = 0;
    for (int i = from; i < to; i++) {
      PhoneNumber number = PHONE_UTIL.parse(phones[i], "US");
      if (validate && !PHONE_UTIL.isValidNumber(number)) {
        sum--;
      }
      String e164 = PHONE_UTIL.format(number, PhoneNumberFormat.E164);
      sum += DigestUtils.sha256Hex(emails[i]).charAt(0) + DigestUtils.sha256Hex(e164).charAt(0);
    }
    checksum += sum;
  }

  private void floorRepeated(int from, int to) throws NumberParseException {
    long sum = 0;
    for (int i = from; i < to; i++) {
      int j = i % IdentityHashingBenchmark.REPEATED;
      PhoneNumber number = PHONE_UTIL.parse(phones[j], "US");
      String e164 = PHONE_UTIL.format(number, PhoneNumberFormat.E164);
      sum += DigestUtils.sha256Hex(emails[j]).charAt(0) + DigestUtils.sha256Hex(e164).charAt(0);
    }
    checksum += sum;
  }

  private void sdk(IdentityNormalizer n, HashingProfile profile, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      var hashed = profile.hash(n.normalize(customerIds[i], emails[i], phones[i]));
      sum += hashed.emailSha256().charAt(0) + hashed.phoneSha256().charAt(0);
    }
    checksum += sum;
  }

  private void sdkRepeated(IdentityNormalizer n, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      int j = i % IdentityHashingBenchmark.REPEATED;
      var hashed = HashingProfile.META.hash(n.normalize(customerIds[j], emails[j], phones[j]));
      sum += hashed.emailSha256().charAt(0) + hashed.phoneSha256().charAt(0);
    }
    checksum += sum;
  }
}
