package dev.outlane.examples.cli;

/**
 * When the commands draw a progress bar: only on a terminal, unless asked. A bar redraws itself with
 * {@code \r} every 100 ms; written to a file or a pipe (a CI log, {@code 2> err.txt}) that is dozens
 * of frames of noise for a three-line input, so it is drawn only when the JVM has a console (its
 * standard streams are a terminal) or the user passes {@code --progress}. {@code --no-progress}
 * always wins.
 *
 * <p>Stateless and thread-safe.
 */
public final class Terminal {
  private Terminal() {}

  /**
   * Whether to draw the progress bar.
   *
   * @param forced {@code --progress} was given: draw even when stderr is not a terminal
   * @param disabled {@code --no-progress} was given: never draw
   */
  public static boolean progressWanted(boolean forced, boolean disabled) {
    return !disabled && (forced || System.console() != null);
  }
}
