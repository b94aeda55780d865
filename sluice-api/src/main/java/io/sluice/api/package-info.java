/**
 * The Sluice service provider interface: the types that the runtime exchanges with engines, lakes
 * and connectors. Implementations are found with {@link java.util.ServiceLoader} through the small
 * factory interfaces in the sub-packages. This module has no dependencies.
 */
package io.sluice.api;
