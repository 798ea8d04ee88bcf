package dev.outlane.audience.internal;

import dev.outlane.ValidationException;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.identity.internal.EmailRule;
import java.io.IOException;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Turns one chunk of raw members into a sorted run file, in four passes:
 *
 * <ol>
 *   <li>(parallel) key every member by SHA-256 of its customer id and fingerprint its raw values;
 *   <li>radix-sort the chunk by key;
 *   <li>(parallel, cheap) look each key up in the previous snapshot: a member whose fingerprint is
 *       unchanged keeps its stored hashes, the others must be normalized again;
 *   <li>(parallel, expensive) normalize, hash and check suppression for those;
 * </ol>
 *
 * then counts and writes the run in key order. A member whose raw values are unchanged is written
 * flagged {@link Records#REUSE}, its hashes left for {@link RunMerger} to copy from the snapshot.
 *
 * <p>Suppression of an unchanged member is checked without phone parsing: by customer id, by email
 * under the one email rule ({@link EmailRule}), and by phone only if it is already written in E.164.
 *
 * <p>Thread-safe for one chunk at a time: {@link #write} is called on one thread (the run
 * writer's), and its parallel passes run on {@link Workers}; the {@link SuppressionStore} is
 * called on those.
 */
public final class RunWriter {
  private final HashingProfile profile;
  private final IdentityNormalizer normalizer;
  private final @Nullable SuppressionStore suppression;
  private final String config;
  private final Workers workers;

  /**
   * @param config the hashing configuration string written into every file (see {@link Records})
   */
  public RunWriter(HashingProfile profile, IdentityNormalizer normalizer, @Nullable SuppressionStore suppression,
      String config, Workers workers) {
    this.profile = profile;
    this.normalizer = normalizer;
    this.suppression = suppression;
    this.config = config;
    this.workers = workers;
  }

  /** What normalizing one member produced: identifiers and hashes, or why it is invalid. */
  private static final class Normalized {
    @Nullable Identity identity;
    @Nullable String problem;
    byte flags;
    final byte[] hashes = new byte[2 * Records.HASH_BYTES];
    boolean suppressed;
  }

  /**
   * Writes chunk {@code c} as the sorted run {@code run}, counting normalized, invalid, suppressed
   * and duplicate members into {@code counts}.
   *
   * @param prev the previous snapshot, or null if there is none or its fingerprints are not
   *     comparable (then every member is normalized)
   */
  public void write(Chunk c, @Nullable SnapshotIndex prev, Path run, DiffCounts counts, DiffPhase.Times times)
      throws IOException {
    // Pass 0: in input order, a sequential walk of the char arena (after the sort it would be a
    // random one).
    long t = System.nanoTime();
    workers.runAll(c.n, (from, to) -> {
      MessageDigest sha = sha256();
      byte[] d = new byte[32];
      byte[][] buf = {new byte[64]};
      int[] len = new int[1];
      for (int i = from; i < to; i++) {
        sha.update(c.idBytes(i, buf, len), 0, len[0]);
        try {
          sha.digest(d, 0, d.length);
        } catch (DigestException e) {
          throw new IllegalStateException("SHA-256 digests are 32 bytes", e);
        }
        c.hi[i] = Records.getLong(d, 0);
        c.lo[i] = Records.getLong(d, 8);
        c.fpIn[i] = c.fingerprint(i);
      }
    });
    t = times.lap(DiffPhase.KEY, t);
    c.sort.radixSort(c.hi, c.lo, c.ord, c.n);
    t = times.lap(DiffPhase.SORT, t);
    // Pass 1: fingerprint lookups decide who must be normalized again.
    workers.runAll(c.n, (from, to) -> {
      long pos = 0; // keys ascend within the slice: each lookup starts where the previous one ended
      for (int j = from; j < to; j++) {
        if (j + 1 < c.n && c.hi[j] == c.hi[j + 1] && c.lo[j] == c.lo[j + 1]) {
          c.found[j] = -2; // an earlier row of a repeated customer id: the later row wins
          continue;
        }
        c.fps[j] = c.fpIn[c.ord[j]];
        long found = -1;
        if (prev != null) {
          long at = prev.findFrom(pos, c.hi[j], c.lo[j]);
          if (at >= 0) {
            found = at;
            pos = at + 1;
          } else {
            pos = -at - 1;
          }
        }
        c.found[j] = found >= 0 && prev.fingerprint(found) == c.fps[j] ? found : -1;
      }
    });
    t = times.lap(DiffPhase.LOOKUP, t);
    int[] todo = c.todo; // reused: a fresh 1 MB array per chunk was a humongous allocation each time
    int todoCount = 0;
    for (int j = 0; j < c.n; j++) {
      if (c.found[j] != -2 && (c.found[j] < 0 || suppression != null)) {
        todo[todoCount++] = j;
      }
    }
    // Pass 2 (expensive: phone parsing, hashing, suppression lookups).
    workers.runAll(todoCount, (from, to) -> {
      for (int k = from; k < to; k++) {
        int j = todo[k];
        int i = c.ord[j];
        Normalized r = new Normalized();
        if (c.found[j] >= 0) {
          r.identity = cheapIdentity(c.id(i), c.email(i), c.phone(i));
        } else {
          normalizeInto(c.id(i), c.email(i), c.phone(i), r);
        }
        if (suppression != null && r.identity != null) {
          r.suppressed = suppression.isSuppressed(r.identity, Channel.ADS);
        }
        c.results[j] = r;
      }
    });
    t = times.lap(DiffPhase.NORMALIZE, t);
    // Pass 3 (sequential, in key order): count and write the run.
    byte[] rec = new byte[Records.SIZE];
    try (Records.Writer w = new Records.Writer(run, false, config, false)) {
      for (int j = 0; j < c.n; j++) {
        if (c.found[j] == -2) {
          counts.duplicates++;
          continue;
        }
        Normalized r = (Normalized) c.results[j];
        c.results[j] = null;
        if (c.found[j] >= 0) {
          // Raw values unchanged: the merge takes the stored hashes from the previous snapshot as
          // it streams past them, instead of a second random read of the mapping here.
          Arrays.fill(rec, (byte) 0);
          rec[Records.FLAGS] = Records.REUSE;
        } else {
          counts.normalized++;
          if (r == null || r.identity == null) {
            counts.invalid(r == null || r.problem == null ? "no email or phone" : r.problem);
            continue;
          }
          Arrays.fill(rec, (byte) 0);
          System.arraycopy(r.hashes, 0, rec, Records.EMAIL, 2 * Records.HASH_BYTES);
          rec[Records.FLAGS] = r.flags;
        }
        if (r != null && r.suppressed) {
          counts.suppressed++;
          continue;
        }
        Records.putLong(rec, Records.KEY, c.hi[j]);
        Records.putLong(rec, Records.KEY + 8, c.lo[j]);
        Records.putLong(rec, Records.FP, c.fps[j]);
        w.write(rec, 0);
      }
    }
    times.lap(DiffPhase.WRITE, t);
  }

  /**
   * Normalizes each identifier on its own, so one bad value does not drop a usable other one, and
   * hashes what normalized; else sets {@code r.problem}.
   */
  private void normalizeInto(String id, @Nullable String email, @Nullable String phone, Normalized r) {
    String normalizedEmail = null;
    String normalizedPhone = null;
    String problem = null;
    if (email != null) {
      try {
        normalizedEmail = normalizer.normalizeEmail(email);
      } catch (ValidationException e) {
        problem = e.getMessage();
      }
    }
    if (phone != null) {
      try {
        normalizedPhone = normalizer.normalizePhone(phone);
      } catch (ValidationException e) {
        // A member with a bad email and a bad phone reports both: fixing one must not reveal the other.
        problem = problem == null ? e.getMessage() : problem + "; " + e.getMessage();
      }
    }
    if (normalizedEmail == null && normalizedPhone == null) {
      r.problem = problem == null ? "no email or phone" : problem;
      return;
    }
    r.identity = new Identity(id, normalizedEmail, normalizedPhone);
    if (normalizedEmail != null) {
      Records.unhex(profile.hashEmail(normalizedEmail), r.hashes, 0);
      r.flags |= Records.HAS_EMAIL;
    }
    if (normalizedPhone != null) {
      Records.unhex(profile.hashPhone(normalizedPhone), r.hashes, Records.HASH_BYTES);
      r.flags |= Records.HAS_PHONE;
    }
  }

  /** An identity for the suppression check that costs no phone parsing (see the class javadoc). */
  private static Identity cheapIdentity(String id, @Nullable String email, @Nullable String phone) {
    // The one email rule (NFC included), so a member seen before hashes as IdentityNormalizer would.
    String e = email == null ? null : EmailRule.canonical(email);
    String p = phone != null && isE164(phone) ? phone : null;
    return new Identity(id, e, p);
  }

  private static boolean isE164(String s) {
    if (s.length() < 8 || s.length() > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
