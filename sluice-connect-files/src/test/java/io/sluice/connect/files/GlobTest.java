package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobTest {
  private static boolean matches(String glob, String path) {
    Pattern pattern = Glob.compile(glob);
    return pattern.matcher(path).matches();
  }

  @Test
  void starAndQuestionMarkStayWithinOneSegment() {
    assertThat(matches("*.csv", "a.csv")).isTrue();
    assertThat(matches("*.csv", "x/a.csv")).isFalse();
    assertThat(matches("?.csv", "a.csv")).isTrue();
    assertThat(matches("?.csv", "ab.csv")).isFalse();
  }

  @Test
  void doubleStarSlashMatchesZeroOrMoreFolders() {
    assertThat(matches("**/*.ndjson", "a.ndjson")).isTrue();
    assertThat(matches("**/*.ndjson", "2024/01/a.ndjson")).isTrue();
    assertThat(matches("x/**/y.csv", "x/y.csv")).isTrue();
    assertThat(matches("x/**/y.csv", "x/1/2/y.csv")).isTrue();
    assertThat(matches("x/**", "x/1/2/y.csv")).isTrue();
  }

  @Test
  void classesAndAlternatives() {
    assertThat(matches("[ab]*.{csv,tsv}", "a1.tsv")).isTrue();
    assertThat(matches("[!ab]*.csv", "a1.csv")).isFalse();
    assertThat(matches("[!ab]*.csv", "c1.csv")).isTrue();
    assertThat(matches("day-[0-9][0-9].csv", "day-07.csv")).isTrue();
    assertThat(matches("day-[0-9][0-9].csv", "day-7x.csv")).isFalse();
  }

  @Test
  void regexCharactersAreLiteral() {
    assertThat(matches("a+b(1).csv", "a+b(1).csv")).isTrue();
    assertThat(matches("a.csv", "abcsv")).isFalse();
    assertThat(matches("\\*.csv", "*.csv")).isTrue();
    assertThat(matches("\\*.csv", "x.csv")).isFalse();
  }

  @Test
  void unclosedSyntaxIsRejected() {
    assertThatThrownBy(() -> Glob.compile("{a,b")).hasMessage("'{' is not closed");
    assertThatThrownBy(() -> Glob.compile("[ab")).hasMessageContaining("'[' at position 1");
    assertThatThrownBy(() -> Glob.compile("{a,{b}}")).hasMessageContaining("nested '{'");
  }
}
