/**
 * SQL models as Jinja templates (rendered by Jinjava): {@link io.sluice.core.model.ModelAnalyzer}
 * finds what a template declares at load time, {@link io.sluice.core.model.ModelRenderer} renders
 * it for a run. Both share one Jinjava setup; both are thread-safe.
 */
package io.sluice.core.model;
