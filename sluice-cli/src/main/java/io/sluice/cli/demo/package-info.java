/**
 * {@code sluice demo}: the example shop project, packaged in the jar, and a deterministic generator
 * of its input data with a known set of injected defects ({@link io.sluice.cli.demo.Truth}), so
 * that a run's quality report can be checked against what was really wrong with the data.
 */
package io.sluice.cli.demo;
