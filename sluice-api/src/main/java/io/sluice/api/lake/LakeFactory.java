package io.sluice.api.lake;

/** Creates {@link Lake}s; found with {@link java.util.ServiceLoader}. */
public interface LakeFactory {
  /** The name used in {@code sluice.yaml} ({@code lake.type}), e.g. {@code iceberg}. */
  String name();

  Lake create(LakeContext context);

  /**
   * The local folders that hold the lake's data files: the only files a sandboxed warehouse reader
   * may read. Empty when the data is not on a local disk.
   *
   * @throws io.sluice.api.SluiceException (USER) for invalid lake options
   */
  default java.util.List<java.nio.file.Path> dataFolders(LakeContext context) {
    return java.util.List.of();
  }
}
