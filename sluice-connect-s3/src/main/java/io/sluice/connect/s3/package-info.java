/**
 * The {@code s3} source connector: objects of an S3-compatible bucket, planned one split per object
 * with its size and ETag as position, read with the {@code files} connector's formats. Only {@link
 * io.sluice.connect.s3.S3ConnectorFactory} is public; it is found with {@link
 * java.util.ServiceLoader}.
 */
package io.sluice.connect.s3;
