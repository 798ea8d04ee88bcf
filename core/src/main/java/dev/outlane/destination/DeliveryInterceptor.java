package dev.outlane.destination;

import java.util.List;

/**
 * A stage of your own on the last stretch before a destination: it sees each batch after the
 * engine's own checks (suppression, the pre-activation check, the frequency cap, the recorded send
 * attempt) and can observe it, change it, or answer it without sending. Register one with {@code
 * Outlane.Builder.interceptor(...)}, for every destination or for one; interceptors run in the order
 * registered, those for every destination first, and the last {@link Chain#proceed} calls {@link
 * Destination#deliver}.
 *
 * <pre>{@code
 * // Print each batch and answer it as delivered, sending nothing (a dry run).
 * DeliveryInterceptor preview = chain -> {
 *   chain.batch().forEach(item -> out.println(chain.destination().name() + " " + item.idempotencyKey()));
 *   return Collections.nCopies(chain.batch().size(), Outcome.delivered(null));
 * };
 * }</pre>
 *
 * <p><b>Contract.</b> {@link #intercept} returns one {@link Outcome} per item of {@link Chain#batch()},
 * in order, like {@code deliver}; a list of another size turns every item of the batch into {@link
 * Outcome.Unknown}. Not calling {@code proceed} short-circuits the chain: nothing further runs and
 * the outcomes returned are final. Call {@code proceed} at most once per batch unless the
 * destination is idempotent: each call is a send.
 *
 * <p><b>Threads.</b> It runs on the destination's delivery thread (a thread of the client's {@link
 * dev.outlane.Scheduler}), concurrently for different destinations and, if a destination's
 * concurrency is above one, for that destination too: implementations must be thread-safe. It must
 * not block for long: the destination's next batch waits for it.
 *
 * <p><b>Exceptions.</b> One that throws (any {@code Throwable}) is treated exactly like a {@link
 * Destination} that throws: every item of the batch becomes {@link Outcome.Unknown} (retried on an
 * idempotent destination, dead-lettered for reconciliation on another), the cause is logged at
 * ERROR once per destination and exception class and counted as {@code destination_error}.
 */
@FunctionalInterface
public interface DeliveryInterceptor {
  /** Handles one batch: typically does something, calls {@code chain.proceed(chain.batch())}, and returns. */
  List<Outcome> intercept(Chain chain);

  /**
   * One batch on its way to a destination, and the rest of the chain. Valid only during the {@link
   * #intercept} call it was given to.
   */
  interface Chain {
    /** The destination the batch is for. Do not call its {@code deliver}: {@link #proceed} does. */
    Destination destination();

    /** The batch as this interceptor received it: unmodifiable, within the destination's limits. */
    List<DeliveryItem> batch();

    /**
     * Hands {@code batch} to the next interceptor, or to the destination after the last one, and
     * returns its outcomes, one per item of {@code batch}, in order.
     *
     * @param batch usually {@link #batch()}, or items built from it; it must stay within the
     *     destination's limits
     */
    List<Outcome> proceed(List<DeliveryItem> batch);
  }
}
