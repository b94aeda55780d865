# Sourced by the bench scripts: installs Sluice into the local Maven repository when it is missing
# there or older than its sources, because the benchmark harness (bench/harness) builds against the
# installed artifacts (JMH benchmarks, the in-process serve of bench/stream, the data generator):
# a stale install would benchmark yesterday's code, or fail to find a module added since.
# Also builds the CLI when sluice-cli/target/sluice.jar is missing. Needs $root (the repository).
# The time of the last install from this checkout is target/bench-installed.stamp (an install by
# hand does not touch it: the next benchmark then installs once more, which is only slower).
ensure_sluice_installed() {
  local stamp="$root/target/bench-installed.stamp"
  if [ ! -f "$root/sluice-cli/target/sluice.jar" ] || [ ! -f "$stamp" ] \
    || [ ! -d "$HOME/.m2/repository/io/sluice/sluice-core" ] \
    || [ -n "$(find "$root/pom.xml" "$root"/sluice-*/pom.xml "$root"/sluice-*/src/main \
      -type f -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "bench: building and installing Sluice (./mvnw install -DskipTests): the installed build is missing or older than the sources" >&2
    # Stamped with the time the install began: a source edited meanwhile counts as newer.
    mkdir -p "$root/target" && touch "$stamp.new"
    (cd "$root" && ./mvnw -q -B install -DskipTests -Dspotless.check.skip=true) >&2
    mv "$stamp.new" "$stamp"
  fi
}
