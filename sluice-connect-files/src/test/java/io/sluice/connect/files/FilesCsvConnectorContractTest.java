package io.sluice.connect.files;

import java.util.List;

/** The connector contract for the {@code files} connector reading CSV files. */
class FilesCsvConnectorContractTest extends FilesConnectorContractFixture {
  @Override
  Format format() {
    return new Format() {
      @Override
      public String extension() {
        return "csv";
      }

      @Override
      public List<String> header(List<String> fields) {
        return List.of(String.join(",", fields));
      }

      @Override
      public String line(List<String> fields, List<String> values) {
        return String.join(",", values);
      }

      @Override
      public String malformedLine() {
        return "\"unterminated,quote\"x,name";
      }
    };
  }
}
