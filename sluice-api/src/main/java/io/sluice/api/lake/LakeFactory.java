package io.sluice.api.lake;

/** Creates {@link Lake}s; found with {@link java.util.ServiceLoader}. */
public interface LakeFactory {
  /** The name used in {@code sluice.yaml} ({@code lake.type}), e.g. {@code iceberg}. */
  String name();

  Lake create(LakeContext context);
}
