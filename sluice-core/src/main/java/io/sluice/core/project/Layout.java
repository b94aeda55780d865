package io.sluice.core.project;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of a project folder that Sluice reads, found so that none is silently ignored.
 *
 * <ul>
 *   <li>{@code sources/}: one source per {@code .yaml}/{@code .yml} file directly in the folder; a
 *       subfolder is an error (a source's name is its file name, and folders would hide that).
 *   <li>{@code models/}, read recursively as dbt does: every {@code .sql} file is a model (names
 *       unique across folders), every {@code .yml}/{@code .yaml} file a schema file.
 *   <li>{@code tests/}, read recursively: every {@code .sql} file is a singular test.
 *   <li>{@code dashboards/}: one dashboard per {@code .yaml}/{@code .yml} file directly in the
 *       folder, like sources.
 *   <li>Any other file in these folders is a warning naming it; hidden files and folders (a name
 *       starting with a dot, such as {@code .gitkeep}) are not.
 *   <li>At the top: the files and folders of a dbt project that Sluice does not read ({@code
 *       dbt_project.yml}, {@code macros/}, ...) are warnings, since a person coming from dbt
 *       expects them to count; anything else there ({@code README.md}, {@code .gitignore}, {@code
 *       data/}, {@code .sluice/}, scripts) is the person's own and not checked.
 * </ul>
 */
record Layout(
    List<Path> sources,
    List<Path> models,
    List<Path> schemaFiles,
    List<Path> tests,
    List<Path> dashboards) {
  /** dbt's files and folders, and what to do instead in Sluice. */
  private static final Map<String, String> DBT =
      Map.of(
          "dbt_project.yml",
          "Sluice reads sluice.yaml (name, vars, engine; see docs/project-format.md), not"
              + " dbt_project.yml",
          "profiles.yml",
          "Sluice reads its warehouse from sluice.yaml, not dbt's profiles.yml",
          "packages.yml",
          "Sluice does not install dbt packages",
          "dependencies.yml",
          "Sluice does not install dbt packages",
          "selectors.yml",
          "Sluice does not read dbt selectors; `sluice test --select` takes names",
          "macros",
          "Sluice does not read dbt macros; a model's Jinja has ref, source, var and config",
          "seeds",
          "Sluice does not load dbt seeds; declare the files as a source in sources/",
          "snapshots",
          "Sluice does not run dbt snapshots",
          "analyses",
          "Sluice does not compile dbt analyses",
          "sluice.yml",
          "Sluice reads sluice.yaml (with the extension .yaml); rename this file");

  Layout {
    sources = List.copyOf(sources);
    models = List.copyOf(models);
    schemaFiles = List.copyOf(schemaFiles);
    tests = List.copyOf(tests);
    dashboards = List.copyOf(dashboards);
  }

  static Layout scan(Path root, Problems problems) {
    for (Map.Entry<String, String> dbt : DBT.entrySet()) {
      Path path = root.resolve(dbt.getKey());
      if (Files.exists(path)) {
        problems.warn(
            Location.of(path),
            (Files.isDirectory(path) ? "this folder is not read: " : "this file is not read: ")
                + dbt.getValue());
      }
    }
    List<Path> sources = new ArrayList<>();
    walk(
        root,
        root.resolve(ProjectLoader.SOURCES),
        problems,
        file -> {
          if (!file.getParent().equals(root.resolve(ProjectLoader.SOURCES))) {
            if (isYaml(file)) {
              problems.add(
                  Location.of(file),
                  "only files directly in sources/ are read; move this one to sources/");
            } else {
              notRead(file, "sources/ holds one source per .yaml or .yml file", problems);
            }
          } else if (isYaml(file)) {
            sources.add(file);
          } else {
            notRead(file, "sources/ holds one source per .yaml or .yml file", problems);
          }
        });
    List<Path> models = new ArrayList<>();
    List<Path> schemaFiles = new ArrayList<>();
    walk(
        root,
        root.resolve(ProjectLoader.MODELS),
        problems,
        file -> {
          if (file.getFileName().toString().endsWith(".sql")) {
            models.add(file);
          } else if (isYaml(file)) {
            schemaFiles.add(file);
          } else {
            notRead(
                file,
                "models/ holds models (.sql) and schema files (.yml or .yaml), in any folder",
                problems);
          }
        });
    List<Path> tests = new ArrayList<>();
    walk(
        root,
        root.resolve(ProjectLoader.TESTS),
        problems,
        file -> {
          if (file.getFileName().toString().endsWith(".sql")) {
            tests.add(file);
          } else {
            notRead(
                file,
                "tests/ holds singular tests (.sql), in any folder; column tests go in a schema"
                    + " file under models/",
                problems);
          }
        });
    List<Path> dashboards = new ArrayList<>();
    Path dashboardFolder = root.resolve(ProjectLoader.DASHBOARDS);
    walk(
        root,
        dashboardFolder,
        problems,
        file -> {
          if (!file.getParent().equals(dashboardFolder)) {
            problems.add(
                Location.of(file),
                "only files directly in dashboards/ are read; move this one to dashboards/");
          } else if (isYaml(file)) {
            dashboards.add(file);
          } else {
            notRead(file, "dashboards/ holds one dashboard per .yaml or .yml file", problems);
          }
        });
    return new Layout(sources, models, schemaFiles, tests, dashboards);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static void notRead(Path file, String why, Problems problems) {
    problems.warn(Location.of(file), "this file is not read: " + why);
  }

  /** Every regular file under {@code folder} in path order, hidden files and folders skipped. */
  private static void walk(
      Path root, Path folder, Problems problems, java.util.function.Consumer<Path> each) {
    if (!Files.isDirectory(folder)) {
      if (Files.exists(folder)) {
        problems.add(
            Location.of(folder),
            root.relativize(folder) + " is a file; it must be a folder, or not exist");
      }
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(path -> !hidden(folder, path))
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(each);
    } catch (IOException | java.io.UncheckedIOException e) {
      problems.add(Location.of(folder), "cannot list the folder: " + e.getMessage());
    }
  }

  private static boolean hidden(Path folder, Path path) {
    for (Path part : folder.relativize(path)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
