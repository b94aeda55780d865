/**
 * Record functions: user code that runs on each record of a source before mapping and validation,
 * the way a Lambda function runs on each Kinesis record. A function can enrich a record (add or
 * change fields), redact or mask personal data, or drop a record with a reason.
 *
 * <p>Functions are found with {@link java.util.ServiceLoader} through {@link
 * io.sluice.api.function.RecordFunctionFactory}: the built-in ones on the class path and the user's
 * in jars in the project's {@code functions/} folder. A source lists the functions to apply, in
 * order, under {@code functions:}.
 *
 * <p>Nothing is lost: a record that a function drops is quarantined with rule {@code dropped} and
 * the function's reason; a function that throws quarantines the record with rule {@code function}
 * and the exception's message. Neither stops the source.
 */
package io.sluice.api.function;
