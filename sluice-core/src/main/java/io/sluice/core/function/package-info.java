/**
 * Record functions: loading them (built in, and from jars in the project's {@code functions/}
 * folder) and applying a source's functions to each record ({@link
 * io.sluice.core.function.FunctionChain}).
 */
package io.sluice.core.function;
