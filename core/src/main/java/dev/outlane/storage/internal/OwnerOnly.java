package dev.outlane.storage.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The one rule for the permissions of every file a durable store writes: files are created
 * {@code 0600} (owner read/write) and directories {@code 0700} (owner only), because journals and
 * dead letters hold raw emails and phone numbers.
 *
 * <p>On a file system without POSIX permissions (Windows, some network mounts) nothing is set: the
 * files inherit the directory's access control list, so keep such a directory where only the
 * service account can read it. A umask can only remove bits, so it never widens these modes.
 *
 * <p>Stateless and thread-safe.
 */
public final class OwnerOnly {
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  /** {@code rwx------}. */
  public static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private OwnerOnly() {}

  /** Whether the file system of {@code path} has POSIX permissions. */
  public static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The attributes that create a file as {@code 0600} on {@code path}'s file system (or none). */
  public static FileAttribute<?>[] fileAttributes(Path path) {
    return posix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code directory} and any missing parents as {@code 0700}, and restricts {@code
   * directory} itself to {@code 0700} if it already existed (it is the store's own directory).
   * Parents that already exist are left as they are.
   *
   * @throws IOException if a directory cannot be created or its mode cannot be set
   */
  public static void createDirectories(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath();
    if (!posix(dir)) {
      Files.createDirectories(dir);
      return;
    }
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(DIRECTORY);
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        Files.createDirectory(p, mode);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
      }
    }
    if (!Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
      Files.setPosixFilePermissions(dir, DIRECTORY);
    }
  }

  /**
   * Restricts an existing file to {@code 0600} (a file an older release created {@code 0644}).
   *
   * @throws IOException if its mode cannot be read or set
   */
  public static void restrictFile(Path file) throws IOException {
    if (posix(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }
}
