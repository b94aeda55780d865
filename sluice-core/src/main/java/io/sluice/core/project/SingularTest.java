package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A singular test, dbt style: {@code tests/NAME.sql}, a {@code SELECT} (a Jinja template like a
 * model's) that passes when it returns no rows; each row it returns is a failure.
 *
 * @param name the test's name (the file name without {@code .sql})
 * @param location the SQL file
 * @param template the file's text
 * @param severity from {@code config(severity='warn')}; {@code error} if not set
 * @param refs models it references, sorted
 * @param sources sources it references, sorted
 */
public record SingularTest(
    String name,
    Location location,
    String template,
    ModelTest.Severity severity,
    List<String> refs,
    List<String> sources) {
  public SingularTest {
    requireNonNull(name, "name is null");
    requireNonNull(location, "location is null");
    requireNonNull(template, "template is null");
    requireNonNull(severity, "severity is null");
    refs = List.copyOf(refs);
    sources = List.copyOf(sources);
  }
}
