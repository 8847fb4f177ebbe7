//! The web handlers and the CLI only translate: they parse a request or arguments, call a
//! use case in `innozone-app` and render. This test reads their source and fails on a
//! call of a store method there, so that storage work cannot creep back into them.
//!
//! What counts as a store call: `.method(` right after something named `store` or
//! `store()` (`store.forms(`, `state.store().audit(`, `state.store.hierarchy(`), also when
//! rustfmt has put the `.method(` on the next line. Allowed, because they only pass the
//! store on to a use case: `store.as_ref()`, `store.clone()`, `&*store`, and `store` or
//! `state.store()` as an argument.

use std::path::{Path, PathBuf};

/// The methods that hand the store on rather than use it.
const PASSING_ON: &[&str] = &["as_ref", "clone"];

/// Files still being moved out by other work of issue 13: the report and bulletin
/// composers (to a reports crate) and the benchmarks (out of the shipped binary).
const MOVING_OUT: &[&str] = &[
    "routes/pages/evaluation/report/",
    "routes/pages/monitoring/bulletin.rs",
    "cli/src/bench.rs",
    "cli/src/bench_evaluation.rs",
    "cli/src/bench_indicators.rs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments, string and character literals (their text could name a
/// store method without calling one), each replaced by a space.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            out.push(' ');
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_char(before(&out)) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' && is_char_literal(&chars, i) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn before(s: &str) -> char {
    s.chars().next_back().unwrap_or(' ')
}

/// A quote opens a character literal (`'a'`, `'\n'`), not a lifetime (`'a`, `'_`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i + 1), chars.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every `store…​.method(` in `code` with a method that uses the store, as
/// `(line, method)`.
fn store_calls(code: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 5 <= chars.len() {
        let word: String = chars[i..i + 5].iter().collect();
        let starts_word = i == 0 || !ident_char(chars[i - 1]);
        let ends_word = chars.get(i + 5).is_none_or(|c| !ident_char(*c));
        if word != "store" || !starts_word || !ends_word {
            i += 1;
            continue;
        }
        let mut j = i + 5;
        // `store()`, the state's accessor.
        let mut k = j;
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        if chars.get(k) == Some(&'(') {
            let mut m = k + 1;
            while chars.get(m).is_some_and(|c| c.is_whitespace()) {
                m += 1;
            }
            if chars.get(m) == Some(&')') {
                j = m + 1;
            }
        }
        while chars.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        if chars.get(j) == Some(&'.') {
            j += 1;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let start = j;
            while chars.get(j).is_some_and(|c| ident_char(*c)) {
                j += 1;
            }
            let method: String = chars[start..j].iter().collect();
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let called = chars.get(j) == Some(&'(') || chars.get(j) == Some(&':');
            if called && !method.is_empty() && !PASSING_ON.contains(&method.as_str()) {
                let line = chars[..i].iter().filter(|c| **c == '\n').count() + 1;
                found.push((line, method));
            }
        }
        i += 5;
    }
    found
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

#[test]
fn handlers_and_commands_call_no_store_method() {
    let crates = workspace();
    let mut files = Vec::new();
    rust_files(&crates.join("web/src/routes"), &mut files);
    rust_files(&crates.join("cli/src"), &mut files);
    assert!(files.len() > 20, "the handlers and commands were not found");
    let mut offences = Vec::new();
    for file in &files {
        let shown = file
            .strip_prefix(&crates)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        if MOVING_OUT.iter().any(|m| shown.contains(m)) {
            continue;
        }
        let source = std::fs::read_to_string(file).expect("readable source");
        for (line, method) in store_calls(&code_only(&source)) {
            offences.push(format!("crates/{shown}:{line}: store method `{method}`"));
        }
    }
    assert!(
        offences.is_empty(),
        "web handlers and CLI commands call use cases in innozone-app, not the store:\n{}",
        offences.join("\n")
    );
}

/// The detector itself: the forms it must catch and the forms it must let through.
#[test]
fn the_detector_tells_store_calls_from_passing_the_store_on() {
    let caught = |code: &str| -> Vec<String> {
        store_calls(&code_only(code))
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    };
    assert_eq!(caught("let f = store.forms().await?;"), ["forms"]);
    assert_eq!(caught("state.store().audit(&q).await?"), ["audit"]);
    assert_eq!(caught("state.store.hierarchy().await"), ["hierarchy"]);
    assert_eq!(
        caught("let c = store\n    .enterprise(id)\n    .await?;"),
        ["enterprise"]
    );
    assert_eq!(caught("state\n  .store()\n  .list_users()"), ["list_users"]);
    assert_eq!(caught("store.filings::<X>(p)"), ["filings"]);
    // Passing the store on.
    assert!(caught("install_form(store.as_ref(), &p, &s)").is_empty());
    assert!(caught("forms(&*store).await?").is_empty());
    assert!(caught("forms(state.store(), x).await?").is_empty());
    assert!(caught("let s = store.clone();").is_empty());
    // Words that only contain "store", comments and text.
    assert!(caught("restore.forms(); store_id.forms(); stores.forms()").is_empty());
    assert!(caught("// store.forms() was here\n/* store.audit() */").is_empty());
    assert!(caught(r#"let s = "store.forms()"; let r = r"store.audit()";"#).is_empty());
    assert!(caught("fn f<'a>(x: &'a str) { let c = '.'; }").is_empty());
}
