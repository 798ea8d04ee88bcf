package dev.outlane.http;

import java.io.IOException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Records, for one OkHttp call, how far the request got: whether any byte of it was handed to a
 * connection, whether all of it was, and the response status if one arrived. Attach one per call with
 * {@link Call#addEventListener}.
 *
 * <p><b>Why this decides retries.</b> A server can only act on a complete request. OkHttp fires
 * {@code requestBodyEnd} (or {@code requestHeadersEnd} for a request without a body) after the last
 * byte was written to the connection; a failure before that moment means the server never had the
 * whole request, so sending it again cannot duplicate anything. A failure after it (a read timeout, a
 * reset, an unexpected end of stream) may follow a request the server already acted on.
 *
 * <p><b>Threads.</b> OkHttp calls the listener on the thread executing the call; the fields are
 * volatile so the caller may read them from another thread after the call ended.
 */
final class WriteProbe extends EventListener {
  private final boolean hasBody;
  private volatile boolean writeStarted;
  private volatile boolean fullyWritten;
  private volatile int responseCode = -1;

  WriteProbe(boolean hasBody) {
    this.hasBody = hasBody;
  }

  @Override
  public void requestHeadersStart(Call call) {
    writeStarted = true;
  }

  @Override
  public void requestHeadersEnd(Call call, Request request) {
    if (!hasBody) {
      fullyWritten = true;
    }
  }

  @Override
  public void requestBodyEnd(Call call, long byteCount) {
    fullyWritten = true;
  }

  @Override
  public void responseHeadersEnd(Call call, Response response) {
    responseCode = response.code();
  }

  @Override
  public void requestFailed(Call call, IOException ioe) {
    // Nothing to record: fullyWritten stays false, which is what makes the failure safe to retry.
  }

  /** True once any byte of the request was handed to a connection. */
  boolean writeStarted() {
    return writeStarted;
  }

  /** True once the whole request was written: from here on the server may have acted on it. */
  boolean fullyWritten() {
    return fullyWritten;
  }

  /** The response status, or -1 if no response headers arrived. */
  int responseCode() {
    return responseCode;
  }
}
