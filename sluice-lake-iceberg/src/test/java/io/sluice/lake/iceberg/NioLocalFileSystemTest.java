package io.sluice.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void createsFilesAndSetsPermissionsWithoutAChmodProcess() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    java.nio.file.Path file = dir.resolve("metadata/v1.metadata.json");
    try (FileSystem fs = FileSystem.get(file.toUri(), conf)) {
      assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
      try (FSDataOutputStream out = fs.create(new Path(file.toUri()), false)) {
        out.writeBytes("{}");
      }
      fs.setPermission(new Path(file.toUri()), new FsPermission((short) 0640));
    }

    assertThat(Files.readString(file)).isEqualTo("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
  }
}
