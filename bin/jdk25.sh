# Sourced by bin/mvn and bin/mp4j: finds a JDK 25 (or newer) and exports JAVA_HOME for it.
# Order: $JAVA_HOME if it is 25+, then JDKs under /usr/lib/jvm, /usr/java, /opt and ~/.sdkman,
# then the `java` on PATH. Fails with a message saying what to install.

mp4j_java_feature() { # prints the feature version (17, 25, ...) of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

mp4j_find_jdk25() {
  local candidate v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(mp4j_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/*jdk* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$candidate" ] || continue
    v=$(mp4j_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$candidate"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(mp4j_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! MP4J_JDK=$(mp4j_find_jdk25); then
  echo "multiprocessing4j needs a JDK 25 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, and the javac on PATH)." >&2
  echo "Install one, for example 'apt-get install temurin-25-jdk' (Adoptium's apt repository) or a JDK 25 tarball under /opt, or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$MP4J_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
