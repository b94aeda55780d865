/** The portable type system: {@link io.sluice.api.type.DataType} and columns. */
package io.sluice.api.type;
