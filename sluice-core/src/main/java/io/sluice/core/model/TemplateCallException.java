package io.sluice.core.model;

/** A template function called wrongly, or naming something unknown; its message is for a person. */
final class TemplateCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TemplateCallException(String message) {
    super(message);
  }
}
