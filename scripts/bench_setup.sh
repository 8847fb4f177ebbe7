# Sourced by scripts/bench-*: what the benchmarks' peers need, installed when missing.

# The sqlite3 command line (Debian package sqlite3).
bench_need_sqlite3() {
    if command -v sqlite3 >/dev/null 2>&1; then
        return
    fi
    echo "installing the sqlite3 command line (Debian package sqlite3)…"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo=sudo
    fi
    $sudo apt-get install -y -qq sqlite3 >/dev/null \
        || { $sudo apt-get update -qq && $sudo apt-get install -y -qq sqlite3 >/dev/null; }
}

# A venv under target/bench-venv with the PyPI packages named (duckdb, numpy).
bench_venv=target/bench-venv
bench_need_python() {
    if [ ! -x "$bench_venv/bin/python" ]; then
        echo "creating $bench_venv…"
        python3 -m venv "$bench_venv"
    fi
    local package
    for package in "$@"; do
        if ! "$bench_venv/bin/python" -c "import $package" >/dev/null 2>&1; then
            echo "installing $package from PyPI into $bench_venv…"
            "$bench_venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package"
        fi
    done
}

# innozone (whose import the filings benchmark runs) and innozone-bench: optimised, or
# with `bench_build dev` in the test profile (for the quick modes, whose times are not
# figures to quote; that build shares most of its work with the tests').
bench_build() {
    local profile=${1:-release}
    cargo build --profile "$profile" -p innozone -p innozone-bench
    local folder=$profile
    if [ "$profile" = dev ]; then
        folder=debug
    fi
    bench=${CARGO_TARGET_DIR:-target}/$folder/innozone-bench
}
