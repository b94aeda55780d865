package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record functions end to end: built-in ones and a user's function compiled into a jar in the
 * project's {@code functions/} folder, run on a JSON source by {@code sluice run}.
 */
class RecordFunctionsTest {
  @TempDir Path temp;
  private Path project;

  private String query(String sql) {
    Sluice.Result result = sluice("query", "-p", project.toString(), "--format", "csv", sql);
    assertThat(result.exit()).as(result.err()).isZero();
    return result.out();
  }

  @BeforeEach
  void createProject() throws IOException {
    project = temp.resolve("signups");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data/signups"));
    Files.writeString(project.resolve("sluice.yaml"), "name: signups\nengine: duckdb\n");
    Files.writeString(
        project.resolve("data/signups/part-1.ndjson"),
        String.join(
            "\n",
            "{\"id\":1,\"email\":\"alice@example.com\",\"card\":\"4111111111111111\",\"country\":\"fr\"}",
            "{\"id\":2,\"email\":\"bot@crawler.test\",\"card\":null,\"country\":\"de\",\"agent\":\"bot\"}",
            "{\"id\":3,\"email\":\"carol@example.com\",\"card\":\"5500000000000004\",\"country\":\"xx\"}",
            "not json",
            "{\"id\":4,\"email\":\"dave@example.com\",\"card\":\"340000000000009\",\"country\":\"de\"}",
            ""),
        StandardCharsets.UTF_8);
  }

  private void writeSource(String functions) throws IOException {
    Files.writeString(
        project.resolve("sources/signups.yaml"),
        "path: data/signups/*.ndjson\n"
            + "columns:\n"
            + "  - {name: id, type: bigint, checks: [not_null]}\n"
            + "  - {name: email, type: string}\n"
            + "  - {name: card, type: string}\n"
            + "  - {name: country, type: string}\n"
            + "  - {name: country_name, type: string}\n"
            + functions);
  }

  @Test
  void userAndBuiltInFunctionsTransformDropAndQuarantineRecords() throws Exception {
    buildFunctionJar();
    writeSource(
        "functions:\n"
            + "  - function: drop-when\n"
            + "    options: {field: agent, values: [bot], reason: bot traffic}\n"
            + "  - function: mask\n"
            + "    options: {fields: [card], keep-last: 4}\n"
            + "  - function: country-names\n");

    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();

    assertThat(query("SELECT id, card, country, country_name FROM lake.signups ORDER BY id"))
        .isEqualTo(
            "id,card,country,country_name\n"
                + "1,************1111,fr,France\n"
                + "4,***********0009,de,Germany\n");
    assertThat(
            query(
                "SELECT _line, _rules, json_extract_string(_errors, '$[0].message') AS message"
                    + " FROM quarantine.signups ORDER BY _line"))
        .isEqualTo(
            "_line,_rules,message\n"
                + "2,dropped,dropped by function 'drop-when': bot traffic\n"
                + "3,function,function 'country-names' failed: IllegalArgumentException: unknown"
                + " country code 'xx'\n"
                + "4,parse,\"invalid JSON at column 1: Unrecognized token 'not': was expecting"
                + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\"\n");
    // The raw table keeps the record as the functions left it: the card number never lands.
    assertThat(query("SELECT _record FROM raw.signups WHERE _line = 1"))
        .contains("************1111")
        .doesNotContain("4111111111111111");
  }

  @Test
  void unknownFunctionFailsTheRunWithASuggestionAndTheSourceFile() throws IOException {
    writeSource("functions:\n  - function: maks\n    options: {fields: [card]}\n");
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("signups.yaml:9:5")
        .contains("uses the record function 'maks', which does not exist (did you mean 'mask'?)");
  }

  @Test
  void functionsOnACsvSourceAreAConfigError() throws IOException {
    Files.writeString(
        project.resolve("sources/signups.yaml"),
        "path: data/signups/*.csv\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "functions:\n"
            + "  - function: mask\n"
            + "    options: {fields: [id]}\n");
    Sluice.Result validate = sluice("validate", "-p", project.toString());
    assertThat(validate.exit()).isEqualTo(2);
    assertThat(validate.err())
        .contains("signups.yaml:4")
        .contains("functions run on JSON records, but this source reads csv files");
  }

  /** Compiles a user function against sluice-api and packs it as a jar in functions/. */
  private void buildFunctionJar() throws IOException {
    Path src = temp.resolve("fn-src/com/example");
    Files.createDirectories(src);
    Files.writeString(
        src.resolve("CountryNames.java"),
        "package com.example;\n"
            + "import io.sluice.api.function.*;\n"
            + "import java.util.Map;\n"
            + "public final class CountryNames implements RecordFunctionFactory {\n"
            + "  private static final Map<String, String> NAMES ="
            + " Map.of(\"fr\", \"France\", \"de\", \"Germany\");\n"
            + "  public String name() { return \"country-names\"; }\n"
            + "  public RecordFunction create(FunctionContext context) {\n"
            + "    return record -> {\n"
            + "      String code = (String) record.get(\"country\");\n"
            + "      String name = NAMES.get(code);\n"
            + "      if (name == null) {\n"
            + "        throw new IllegalArgumentException(\"unknown country code '\" + code + \"'\");\n"
            + "      }\n"
            + "      record.put(\"country_name\", name);\n"
            + "      return FunctionResult.keep(record);\n"
            + "    };\n"
            + "  }\n"
            + "}\n");
    Path classes = temp.resolve("fn-classes");
    Files.createDirectories(classes);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status =
        compiler.run(
            null,
            null,
            null,
            "-d",
            classes.toString(),
            "-classpath",
            System.getProperty("java.class.path"),
            src.resolve("CountryNames.java").toString());
    assertThat(status).isZero();
    Files.createDirectories(project.resolve("functions"));
    try (OutputStream file = Files.newOutputStream(project.resolve("functions/country.jar"));
        JarOutputStream jar = new JarOutputStream(file)) {
      for (String entry : List.of("com/example/CountryNames.class")) {
        jar.putNextEntry(new JarEntry(entry));
        jar.write(Files.readAllBytes(classes.resolve(entry)));
        jar.closeEntry();
      }
      jar.putNextEntry(
          new JarEntry("META-INF/services/io.sluice.api.function.RecordFunctionFactory"));
      jar.write("com.example.CountryNames\n".getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
  }
}
