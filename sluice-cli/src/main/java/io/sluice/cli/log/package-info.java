/**
 * How the {@code sluice} command logs: text as it always did ({@code WARN Logger - message}), or
 * one JSON object per line with the run, batch and source being processed (docs/cli.md).
 */
package io.sluice.cli.log;
