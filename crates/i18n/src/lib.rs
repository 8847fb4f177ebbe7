//! The translation layer. Every string a user sees is looked up here by key, in zh-CN
//! (the default) or English; the catalogue is `locales/*.yml`, compiled into the binary.
//! Domain errors are turned into user messages here, in one place.

mod cultivation;
mod evaluation;
mod files;
mod messages;
mod monitoring;
mod reporting;

pub use files::{issue_count, thousands};
pub use messages::{Localize, field_label, issue_location};
pub use monitoring::{target_status_name, unavailable_reason};
pub use reporting::{
    action_name, form_field_label, formula_message, intake_message, state_name, status_name,
};

rust_i18n::i18n!("locales", fallback = "zh-CN");

/// The languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Accepts `zh-CN`, `zh`, `en`, `en-US` and the like; anything else is `None`.
    pub fn parse(input: &str) -> Option<Lang> {
        let s = input.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
            .next()
    }

    pub fn is_english(self) -> bool {
        self == Lang::En
    }

    /// The text for `key`.
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }

    /// The text for `key` with `%{name}` placeholders filled.
    pub fn t_with(self, key: &str, args: &[(&str, String)]) -> String {
        let template = self.t(key);
        let names: Vec<&str> = args.iter().map(|(n, _)| *n).collect();
        let values: Vec<String> = args.iter().map(|(_, v)| v.clone()).collect();
        rust_i18n::replace_patterns(&template, &names, &values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_both_languages() {
        assert_eq!(Lang::ZhCn.t("app.name"), "高新区统计监测与评价平台");
        assert_eq!(
            Lang::En.t("app.name"),
            "High-Tech Zone Statistics, Monitoring and Evaluation"
        );
        assert_eq!(
            Lang::En.t_with("list.total", &[("count", "12".into())]),
            "12 in all"
        );
    }

    #[test]
    fn parses_accept_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, zh;q=0.5"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    /// Every key of the catalogue has both languages: a missing translation would show
    /// the raw key to a user.
    #[test]
    fn every_key_has_both_languages() {
        // Every file of the folder, so that a new one cannot be left out.
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut files = 0;
        for entry in std::fs::read_dir(&folder).expect("the locales folder") {
            let path = entry.expect("a locales entry").path();
            if path.extension().is_some_and(|e| e == "yml") {
                check_catalogue(&std::fs::read_to_string(&path).expect("a locales file"));
                files += 1;
            }
        }
        assert!(files > 10, "found only {files} locale files in {folder:?}");
    }

    fn check_catalogue(text: &str) {
        let mut current: Option<String> = None;
        let mut langs: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        let mut check = |key: &Option<String>, langs: &Vec<String>| {
            if let Some(k) = key
                && !(langs.iter().any(|l| l == "zh-CN") && langs.iter().any(|l| l == "en"))
            {
                problems.push(k.clone());
            }
        };
        for line in text.lines() {
            if line.trim().is_empty()
                || line.trim_start().starts_with('#')
                || line.starts_with("_version")
            {
                continue;
            }
            if !line.starts_with(' ') {
                check(&current, &langs);
                current = Some(line.trim_end_matches(':').to_string());
                langs.clear();
            } else if let Some((lang, _)) = line.trim().split_once(':') {
                langs.push(lang.trim().to_string());
            }
        }
        check(&current, &langs);
        assert!(
            problems.is_empty(),
            "keys without both languages: {problems:?}"
        );
    }
}
