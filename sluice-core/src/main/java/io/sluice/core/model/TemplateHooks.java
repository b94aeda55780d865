package io.sluice.core.model;

import java.util.List;

/**
 * What the template functions do in one rendering: record (analysis) or resolve (a run). Each
 * method gets the call's arguments as Jinjava passes them; keyword arguments arrive as {@code
 * NamedParameter}s. A method throws {@link TemplateCallException} to fail the call.
 */
interface TemplateHooks {
  String ref(List<Object> arguments);

  String source(List<Object> arguments);

  String changes(List<Object> arguments);

  /** Renders as nothing. */
  String config(List<Object> arguments);

  boolean isIncremental();

  Object var(List<Object> arguments);
}
