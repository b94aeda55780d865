/**
 * The lake SPI: transactional tables whose data files engines write and the runtime commits.
 *
 * <p>A {@link io.sluice.api.lake.Lake} is opened once per process through its {@link
 * io.sluice.api.lake.LakeFactory}. Engines write Parquet data files (with the field ids that {@link
 * io.sluice.api.lake.LakeTable#columns()} gives) under {@link
 * io.sluice.api.lake.LakeTable#newDataDirectory(String)}; the runtime then commits them with {@link
 * io.sluice.api.lake.LakeTable#append}, atomically with a summary that records what the batch
 * consumed. Files that were written but never committed are invisible to readers.
 */
package io.sluice.api.lake;
