package dev.outlane.peerbench;

import com.facebook.ads.utils.ServerSideApiUtil;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.IdentityNormalizer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Normalize and SHA-256 one email and one phone per person, single thread, in thread CPU time:
 *
 * <ul>
 *   <li><b>Meta Business SDK</b> {@code ServerSideApiUtil.hash(normalize(v, "em" | "ph"))}. It does
 *       not parse phones: it strips spaces, dashes and parentheses and hashes what is left, so
 *       {@code (201) 555-0123} hashes without its country code and {@code +1 …} with its plus: the
 *       report counts how many of its phone hashes match the E.164-digits hash Meta matches on.
 *   <li><b>Outlane</b> {@code HashingProfile.META.hash(IdentityNormalizer.normalize(…))}: parses the
 *       phone with libphonenumber (region US), checks it, formats E.164 digits, hashes both.
 *   <li><b>floor</b>: the least a correct implementation does, libphonenumber {@code parse} +
 *       {@code format(E164)} and commons-codec {@code sha256Hex} of the trimmed lower-case email and
 *       the phone's digits.
 * </ul>
 *
 * <p>The people are generated in blocks (US numbers spelled {@code (AAA) EEE-LLLL} or {@code +1
 * AAA-EEE-LLLL}, from area/exchange pairs libphonenumber calls valid); the three variants take
 * turns on each block, in a rotating order, so load from other processes hits all of them alike.
 */
final class HashingScenario {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int[] AREAS = {201, 206, 212, 213, 303, 305, 312, 404, 415, 512, 617, 650, 702, 713, 818, 917};
  private static final int BLOCK = 50_000;
  private static final String[] NAMES = {"Meta Business SDK", "Outlane normalize+hash", "floor libphonenumber+sha256"};

  private final IdentityNormalizer normalizer = IdentityNormalizer.builder().defaultRegion("US").build();
  private final List<int[]> validPrefixes = new ArrayList<>();
  private long checksum;
  private long metaPhoneMatches;
  private long metaEmailMatches;
  private long sampled;

  /** Per variant: pairs per CPU-second, µs per pair. */
  record Result(double[] pairsPerCpuSecond, long pairs, long sampled, long metaPhoneMatches, long metaEmailMatches) {
    double outlaneVsMeta() {
      return pairsPerCpuSecond[1] / pairsPerCpuSecond[0];
    }

    double outlaneVsFloor() {
      return pairsPerCpuSecond[1] / pairsPerCpuSecond[2];
    }
  }

  HashingScenario() {
    for (int area : AREAS) {
      for (int exchange = 200; exchange < 1000; exchange++) {
        try {
          if (PHONES.isValidNumber(PHONES.parse("+1" + area + exchange + "1234", "US"))) {
            validPrefixes.add(new int[] {area, exchange});
          }
        } catch (NumberParseException e) {
          // not a prefix we use
        }
      }
    }
  }

  Result run(int pairs, PrintStream out) throws Exception {
    String[] emails = new String[BLOCK];
    String[] phones = new String[BLOCK];
    long[] cpu = new long[3];
    // One warm-up block per variant, not counted.
    generate(0, emails, phones);
    for (int v = 0; v < 3; v++) {
      variant(v, emails, phones, Math.min(BLOCK, 10_000));
    }
    metaPhoneMatches = 0;
    metaEmailMatches = 0;
    sampled = 0;
    int block = 0;
    for (int from = 0; from < pairs; from += BLOCK, block++) {
      int n = Math.min(BLOCK, pairs - from);
      generate(from, emails, phones);
      for (int k = 0; k < 3; k++) {
        int v = (block + k) % 3;
        long c0 = THREADS.getCurrentThreadCpuTime();
        variant(v, emails, phones, n);
        cpu[v] += THREADS.getCurrentThreadCpuTime() - c0;
      }
      agreement(emails, phones, n);
    }
    double[] rate = new double[3];
    out.printf(Locale.ROOT, "%n== Hashing: %,d email+phone pairs, single thread, thread CPU time ==%n", pairs);
    out.printf(Locale.ROOT, "%-30s %14s %10s%n", "variant", "pairs/CPU-s", "µs/pair");
    for (int v = 0; v < 3; v++) {
      rate[v] = pairs * 1e9 / cpu[v];
      out.printf(Locale.ROOT, "%-30s %,14.0f %10.2f%n", NAMES[v], rate[v], cpu[v] / 1e3 / pairs);
    }
    out.printf(Locale.ROOT,
        "Meta SDK hashes equal to Outlane's (every 10th pair): emails %,d of %,d, phones %,d of %,d"
            + " (it does not parse phones)%n",
        metaEmailMatches, sampled, metaPhoneMatches, sampled);
    out.println("(checksum " + checksum + ")");
    return new Result(rate, pairs, sampled, metaPhoneMatches, metaEmailMatches);
  }

  private void generate(int from, String[] emails, String[] phones) {
    for (int k = 0; k < BLOCK; k++) {
      int i = from + k;
      int[] prefix = validPrefixes.get(i % validPrefixes.size());
      int line = (i / validPrefixes.size()) % 10_000;
      phones[k] = (i & 1) == 0
          ? String.format(Locale.ROOT, "(%d) %d-%04d", prefix[0], prefix[1], line)
          : String.format(Locale.ROOT, "+1 %d-%d-%04d", prefix[0], prefix[1], line);
      emails[k] = (i % 3 == 0 ? " Person." : "user") + i + (i % 2 == 0 ? "@Example.COM " : "@example.org");
    }
  }

  private void variant(int v, String[] emails, String[] phones, int n) throws NumberParseException {
    long sum = 0;
    switch (v) {
      case 0 -> {
        for (int k = 0; k < n; k++) {
          sum += ServerSideApiUtil.hash(ServerSideApiUtil.normalize(emails[k], "em")).charAt(0)
              + ServerSideApiUtil.hash(ServerSideApiUtil.normalize(phones[k], "ph")).charAt(0);
        }
      }
      case 1 -> {
        for (int k = 0; k < n; k++) {
          HashedIdentity h = HashingProfile.META.hash(normalizer.normalize("c", emails[k], phones[k]));
          sum += h.emailSha256().charAt(0) + h.phoneSha256().charAt(0);
        }
      }
      default -> {
        for (int k = 0; k < n; k++) {
          String e164 = PHONES.format(PHONES.parse(phones[k], "US"), PhoneNumberFormat.E164);
          sum += DigestUtils.sha256Hex(emails[k].trim().toLowerCase(Locale.ROOT)).charAt(0)
              + DigestUtils.sha256Hex(e164.substring(1)).charAt(0);
        }
      }
    }
    checksum += sum;
  }

  /** Not timed: does the Meta SDK produce the hash Outlane (and Meta's matching) uses? */
  private void agreement(String[] emails, String[] phones, int n) {
    for (int k = 0; k < n; k += 10) {
      sampled++;
      HashedIdentity h = HashingProfile.META.hash(normalizer.normalize("c", emails[k], phones[k]));
      if (ServerSideApiUtil.hash(ServerSideApiUtil.normalize(phones[k], "ph")).equals(h.phoneSha256())) {
        metaPhoneMatches++;
      }
      if (ServerSideApiUtil.hash(ServerSideApiUtil.normalize(emails[k], "em")).equals(h.emailSha256())) {
        metaEmailMatches++;
      }
    }
  }
}
