package io.sluice.connect.files;

import java.util.List;

/** The connector contract for the {@code files} connector reading NDJSON files. */
class FilesJsonConnectorContractTest extends FilesConnectorContractFixture {
  @Override
  Format format() {
    return new Format() {
      @Override
      public String extension() {
        return "ndjson";
      }

      @Override
      public List<String> header(List<String> fields) {
        return List.of();
      }

      @Override
      public String line(List<String> fields, List<String> values) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
          json.append(i == 0 ? "" : ",")
              .append('"')
              .append(fields.get(i))
              .append("\":")
              .append(fields.get(i).equals("id") ? values.get(i) : "\"" + values.get(i) + "\"");
        }
        return json.append('}').toString();
      }

      @Override
      public String malformedLine() {
        return "{\"id\": 99, \"name\": ";
      }
    };
  }
}
