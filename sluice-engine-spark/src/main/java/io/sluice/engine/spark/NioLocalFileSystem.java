package io.sluice.engine.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system for {@code file:} paths, without its two costs per written file:
 * without Hadoop's native library it forks {@code chmod} for every file and folder it creates with
 * a permission (hundreds per partitioned write), and its checksummed variant writes a {@code .crc}
 * file beside each file, which the lake does not want. Permissions are set through NIO instead.
 */
public final class NioLocalFileSystem extends RawLocalFileSystem {
  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    String mode =
        permission.getUserAction().SYMBOL
            + permission.getGroupAction().SYMBOL
            + permission.getOtherAction().SYMBOL;
    try {
      Files.setPosixFilePermissions(
          pathToFile(path).toPath(), PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): Hadoop's way.
      super.setPermission(path, permission);
    }
  }
}
