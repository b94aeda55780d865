package io.sluice.ui;

/**
 * HTML being written, with every text escaped: pages write values of the project and its data (file
 * names, records, error messages) that must never become markup.
 */
public final class Html {
  private final StringBuilder out = new StringBuilder(4096);

  /** Escapes {@code text} for an element's content or a quoted attribute value. */
  public static String escape(String text) {
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement =
          switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (replacement != null) {
        if (escaped == null) {
          escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        escaped.append(replacement);
      } else if (escaped != null) {
        escaped.append(c);
      }
    }
    return escaped == null ? text : escaped.toString();
  }

  /** Appends markup written by the console itself (never data). */
  public Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends text, escaped; null as an empty string. */
  public Html text(Object text) {
    out.append(escape(text == null ? "" : String.valueOf(text)));
    return this;
  }

  /** Appends {@code <tag attributes>text</tag>} with the text escaped. */
  public Html element(String tag, String attributes, Object text) {
    out.append('<').append(tag);
    if (!attributes.isEmpty()) {
      out.append(' ').append(attributes);
    }
    out.append('>');
    text(text);
    out.append("</").append(tag).append('>');
    return this;
  }

  /** Appends {@code <tag>text</tag>} with the text escaped. */
  public Html element(String tag, Object text) {
    return element(tag, "", text);
  }

  /** An attribute {@code name="value"} with the value escaped, for {@link #element}. */
  public static String attribute(String name, Object value) {
    return name + "=\"" + escape(String.valueOf(value)) + "\"";
  }

  /** Appends a table: a header row and the rows' cells as escaped text. */
  public Html table(
      String attributes,
      java.util.List<String> header,
      Iterable<? extends java.util.List<?>> rows) {
    out.append("<table");
    if (!attributes.isEmpty()) {
      out.append(' ').append(attributes);
    }
    out.append("><thead><tr>");
    for (String name : header) {
      element("th", name);
    }
    out.append("</tr></thead><tbody>");
    for (java.util.List<?> row : rows) {
      out.append("<tr>");
      for (Object cell : row) {
        element("td", cell);
      }
      out.append("</tr>");
    }
    out.append("</tbody></table>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
