package dev.outlane.deadletter;

/**
 * How {@code Outlane.replayDeadLetters} replays: whether it only reports, and whether it resends
 * records whose earlier outcome is unknown. Immutable and thread-safe; build one with {@link
 * #builder()} or take {@link #defaults()} (send, but never resend an unknown outcome).
 *
 * <pre>{@code
 * outlane.replayDeadLetters(query, ReplayOptions.builder().dryRun(true).build());
 * }</pre>
 */
public final class ReplayOptions {
  private static final ReplayOptions DEFAULTS = new Builder().build();

  private final boolean dryRun;
  private final boolean resendUnknownOutcomes;

  private ReplayOptions(Builder b) {
    this.dryRun = b.dryRun;
    this.resendUnknownOutcomes = b.resendUnknownOutcomes;
  }

  /** Sends, and skips {@code needs-reconciliation} records. */
  public static ReplayOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder().dryRun(dryRun).resendUnknownOutcomes(resendUnknownOutcomes);
  }

  /** If true, nothing is sent or marked; the report lists what would be replayed. */
  public boolean dryRun() {
    return dryRun;
  }

  /**
   * Whether {@code needs-reconciliation} records (the first attempt may have acted: an SMS may have
   * gone out) are resent. An operator's decision, taken after checking the destination.
   */
  public boolean resendUnknownOutcomes() {
    return resendUnknownOutcomes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayOptions r && r.dryRun == dryRun
        && r.resendUnknownOutcomes == resendUnknownOutcomes;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(dryRun) * 31 + Boolean.hashCode(resendUnknownOutcomes);
  }

  @Override
  public String toString() {
    return "ReplayOptions{dryRun=" + dryRun + ", resendUnknownOutcomes=" + resendUnknownOutcomes + "}";
  }

  /** Builds {@link ReplayOptions}. Not thread-safe; every setting has a default. */
  public static final class Builder {
    private boolean dryRun;
    private boolean resendUnknownOutcomes;

    private Builder() {}

    /** See {@link ReplayOptions#dryRun()} (default false). */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** See {@link ReplayOptions#resendUnknownOutcomes()} (default false). */
    public Builder resendUnknownOutcomes(boolean resend) {
      this.resendUnknownOutcomes = resend;
      return this;
    }

    public ReplayOptions build() {
      return new ReplayOptions(this);
    }
  }
}
