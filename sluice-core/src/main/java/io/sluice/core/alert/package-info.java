/**
 * Alerts (docs/alerts.md): the rules of a project's {@code alerts} section observed after every
 * batch and run and on a timer ({@link io.sluice.core.alert.AlertMonitor}), a state machine per
 * rule and target that fires once and resolves once ({@link io.sluice.core.alert.AlertEvaluator}),
 * kept in the state folder across restarts ({@link io.sluice.core.alert.AlertStore}), and delivered
 * to webhooks off the pipeline's threads ({@link io.sluice.core.alert.AlertDelivery}).
 */
package io.sluice.core.alert;
