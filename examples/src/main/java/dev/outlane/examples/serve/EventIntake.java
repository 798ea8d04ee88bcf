package dev.outlane.examples.serve;

import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.Problem;
import dev.outlane.QueueFullException;
import dev.outlane.ValidationException;
import dev.outlane.contract.ContractJson;
import dev.outlane.contract.ParseResult;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code POST /v1/events}: one v1 event (the contract's JSON, as the shipped Customer.io body
 * template renders it) → {@link Outlane#submit}. For senders that already speak the contract; the
 * Customer.io journey-action receiver adds Customer.io's own authentication and retry rules.
 *
 * <ul>
 *   <li>{@code Authorization: Bearer TOKEN}, compared in constant time (both sides hashed first, so
 *       not even the length leaks); anything else → 401, no body.
 *   <li>{@code 202 {"accepted":true}} once {@code submit} returned: in durable mode that is after the
 *       journal's (group-committed) write, so an acknowledged event survives a crash.
 *   <li>{@code 400 {"problems":[{"path":…,"reason":…}]}} with every problem (paths and reasons
 *       only, never a value).
 *   <li>{@code 503} with {@code Retry-After: 1} when the queue is full, {@code Retry-After: 5} when
 *       the client is closed or the journal refused the write.
 *   <li>{@code 405} for any method but POST.
 * </ul>
 *
 * <p>Thread-safe: the client is, and the handler keeps no state.
 */
public final class EventIntake implements InboundHandler {
  private final Supplier<Outlane> client;
  private final byte[] tokenHash;

  /**
   * @param client the client to submit to (read on every request: {@code outlane serve} builds it
   *     after the server started)
   * @param token the bearer token senders must present; not empty
   */
  public EventIntake(Supplier<Outlane> client, String token) {
    this.client = Objects.requireNonNull(client, "client");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token: must not be empty");
    }
    this.tokenHash = sha256(token.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public InboundResponse handle(InboundRequest request) {
    if (!request.method().equals("POST")) {
      return InboundResponse.of(405).withHeader("Allow", "POST");
    }
    if (!authorized(request.header("Authorization"))) {
      return InboundResponse.of(401);
    }
    Outlane outlane = client.get();
    ParseResult parsed = outlane.codec().parse(request.body());
    if (!parsed.isValid()) {
      return problems(parsed.problems());
    }
    try {
      outlane.submit(Objects.requireNonNull(parsed.event()));
      return InboundResponse.json(202, "{\"accepted\":true}");
    } catch (ValidationException e) {
      return problems(e.problems());
    } catch (QueueFullException e) {
      return InboundResponse.of(503).withHeader("Retry-After", "1");
    } catch (OutlaneException e) {
      // Closed, or the journal could not record it (disk full): not accepted, the sender retries.
      return InboundResponse.of(503).withHeader("Retry-After", "5");
    }
  }

  private boolean authorized(@org.jspecify.annotations.Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // Still hash, so a missing header costs what a wrong one does.
      MessageDigest.isEqual(tokenHash, sha256(new byte[0]));
      return false;
    }
    byte[] given = sha256(header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(tokenHash, given);
  }

  private static InboundResponse problems(List<Problem> problems) {
    List<Map<String, String>> list = new ArrayList<>();
    for (Problem p : problems) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("path", p.path());
      m.put("reason", p.reason());
      list.add(m);
    }
    return InboundResponse.json(400, ContractJson.toJson(Map.of("problems", list)));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
