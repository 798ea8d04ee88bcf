package dev.outlane.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client a destination creates when it is given none, and how such a client is released.
 *
 * <p><b>TCP_NODELAY.</b> OkHttp does not set it: {@code ConnectPlan.connectSocket()} (square/okhttp
 * at 1682d9b, July 2026) takes a socket from the client's {@code SocketFactory} and sets only its
 * read timeout, and the JDK's sockets start with Nagle's algorithm on. A request whose headers and
 * body leave in separate small writes can then wait for the server's delayed ACK (up to 40 ms on
 * Linux). Default clients therefore use a socket factory that turns Nagle off; a client the user
 * passes in is used as it is (give it {@link #noDelaySocketFactory()} to get the same).
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpClients {
  private static final SocketFactory NO_DELAY = new NoDelaySocketFactory(SocketFactory.getDefault());

  private HttpClients() {}

  /** A new client with OkHttp's defaults and TCP_NODELAY on; its owner must {@link #release} it. */
  public static OkHttpClient newDefault() {
    return new OkHttpClient.Builder().socketFactory(NO_DELAY).build();
  }

  /** A plain-socket factory whose sockets have TCP_NODELAY on. */
  public static SocketFactory noDelaySocketFactory() {
    return NO_DELAY;
  }

  /**
   * Releases a client its caller created: shuts its dispatcher's executor down (idle threads end,
   * no new calls start) and evicts its pooled connections. Only for a client nobody else shares.
   */
  public static void release(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate;

    NoDelaySocketFactory(SocketFactory delegate) {
      this.delegate = delegate;
    }

    private static Socket noDelay(Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
