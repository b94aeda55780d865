package io.sluice.lake.iceberg;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.LakeFactory;

/**
 * The {@code iceberg} lake: Apache Iceberg tables (format v2) in a JDBC catalog, by default an
 * embedded SQLite file, with data and metadata on the local file system through Hadoop's raw local
 * file system (no {@code HADOOP_HOME}, no {@code .crc} side files).
 *
 * <p>Layout under the project's state directory, with the default options:
 *
 * <pre>
 * &lt;state&gt;/lake/catalog.db                          the catalog (SQLite), catalog name "sluice"
 * &lt;state&gt;/lake/warehouse/&lt;namespace&gt;/&lt;table&gt;/metadata/  Iceberg metadata, manifests
 * &lt;state&gt;/lake/warehouse/&lt;namespace&gt;/&lt;table&gt;/data/&lt;tag&gt;-&lt;uuid&gt;/  one folder per
 *                                                    {@code newDataDirectory(tag)}, engine-written
 * </pre>
 *
 * <p>Options ({@code lake.options} in {@code sluice.yaml}); any other key is a USER error:
 *
 * <ul>
 *   <li>{@code catalog-uri}: JDBC URL of the catalog database. Default {@code
 *       jdbc:sqlite:<state>/lake/catalog.db}. Another database (e.g. {@code jdbc:postgresql:...})
 *       works when its driver is on the class path.
 *   <li>{@code warehouse}: where new tables are placed, an absolute path or a Hadoop URI. Default
 *       {@code <state>/lake/warehouse}. {@link io.sluice.api.lake.LakeTable#newDataDirectory} needs
 *       a local warehouse.
 * </ul>
 *
 * <p>Namespaces are created on demand. With SQLite, one process at a time may open a lake; within
 * it the {@link Lake} is thread-safe and its catalog calls are serialised on one connection.
 * Closing the lake closes the connection and the file IO.
 */
public final class IcebergLakeFactory implements LakeFactory {
  /** The name in {@code lake.type}. */
  public static final String NAME = "iceberg";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Opens the lake, creating its folders and catalog tables when missing.
   *
   * @throws io.sluice.api.SluiceException USER for invalid options, EXTERNAL when the folders or
   *     the catalog database cannot be opened
   */
  @Override
  public Lake create(LakeContext context) {
    requireNonNull(context, "context is null");
    return IcebergLake.open(IcebergLakeConfig.from(context));
  }

  /** The warehouse folder, when it is local: every table's data files are under it. */
  @Override
  public java.util.List<java.nio.file.Path> dataFolders(LakeContext context) {
    requireNonNull(context, "context is null");
    return IcebergLakeConfig.from(context).localWarehouse().stream()
        .map(path -> path.toAbsolutePath().normalize())
        .toList();
  }
}
