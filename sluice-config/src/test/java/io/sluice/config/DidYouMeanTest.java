package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
  private static final List<String> KEYS = List.of("delimiter", "header", "quote", "escape");

  @Test
  void suggestsACandidateWithinTwoEdits() {
    assertThat(DidYouMean.suggest("delimter", KEYS)).contains("delimiter");
    assertThat(DidYouMean.suggest("haeder", KEYS)).contains("header");
    assertThat(DidYouMean.suggest("qoute", KEYS)).contains("quote");
  }

  @Test
  void suggestsACandidateThatTheInputIsAPrefixOf() {
    assertThat(DidYouMean.suggest("delim", KEYS)).contains("delimiter");
    assertThat(DidYouMean.suggest("escape-char", KEYS)).contains("escape");
  }

  @Test
  void suggestsNothingWhenNothingIsClose() {
    assertThat(DidYouMean.suggest("encoding", KEYS)).isEmpty();
    assertThat(DidYouMean.hint("encoding", KEYS)).isEmpty();
  }

  @Test
  void prefersTheClosestCandidate() {
    assertThat(DidYouMean.suggest("uniqe", List.of("unique_key", "unique"))).contains("unique");
  }

  @Test
  void writesTheHintForAMessage() {
    assertThat(DidYouMean.hint("delimter", KEYS)).isEqualTo(" (did you mean 'delimiter'?)");
  }

  @Test
  void measuresLevenshteinDistance() {
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.distance("same", "same")).isZero();
  }
}
