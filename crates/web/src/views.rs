//! Template contexts. Every page gets a `Chrome` (language, user, CSRF token, active menu)
//! and calls `chrome.t("key")` for every string it shows.

use askama::Template;
use axum::http::StatusCode;
use innozone_domain::accounts::{Principal, Role};
use innozone_i18n::Lang;

use crate::auth::CurrentUser;
use crate::error::IssueJson;

pub struct Chrome {
    pub lang: Lang,
    pub user: Option<UserView>,
    pub principal: Option<Principal>,
    pub csrf: String,
    pub active: &'static str,
}

pub struct UserView {
    pub display_name: String,
    pub username: String,
    pub role: String,
}

impl Chrome {
    pub fn new(lang: Lang, user: Option<&CurrentUser>, active: &'static str) -> Chrome {
        Chrome {
            lang,
            user: user.map(|u| UserView {
                display_name: u.user.display_name.clone(),
                username: u.user.username.to_string(),
                role: lang.t(&format!("role.{}", u.user.role.code())),
            }),
            principal: user.map(|u| u.principal.clone()),
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
            active,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The text for `prefix.code`: the label of an enumerated value.
    pub fn tk(&self, prefix: &str, code: &str) -> String {
        self.lang.t(&format!("{prefix}.{code}"))
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.t_with(key, &[(name, value.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn is_en(&self) -> bool {
        self.lang.is_english()
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    pub fn nav(&self, item: &str) -> &'static str {
        if self.active == item { "active" } else { "" }
    }

    fn role(&self) -> Option<Role> {
        self.principal.as_ref().map(|p| p.role)
    }

    pub fn sees_enterprises(&self) -> bool {
        self.principal
            .as_ref()
            .is_some_and(|p| p.sees_enterprises())
    }

    pub fn sees_tree(&self) -> bool {
        self.role().is_some_and(|r| r != Role::EnterpriseFiler)
    }

    /// Staff, leadership and evaluators read monitoring; filers and the public do not.
    pub fn monitors(&self) -> bool {
        self.role()
            .is_some_and(|r| !matches!(r, Role::EnterpriseFiler | Role::Public))
    }

    /// Evaluation results are read by those who read monitoring: staff, leadership and
    /// evaluators (a user bound to a park, only that park's).
    pub fn reads_evaluation(&self) -> bool {
        self.role()
            .is_some_and(|r| !matches!(r, Role::EnterpriseFiler | Role::Public))
    }

    pub fn manages_users(&self) -> bool {
        self.principal
            .as_ref()
            .is_some_and(|p| p.may_manage_users())
    }

    pub fn reads_audit(&self) -> bool {
        self.principal.as_ref().is_some_and(|p| p.may_read_audit())
    }

    pub fn imports(&self) -> bool {
        self.principal.as_ref().is_some_and(|p| p.may_import())
    }

    pub fn kind(&self, code: &str) -> String {
        self.lang.t(&format!("kind.{code}"))
    }

    pub fn role_name(&self, code: &str) -> String {
        self.lang.t(&format!("role.{code}"))
    }
}

/// Thousands separators for counts.
pub use innozone_reports::format::grouped;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    message: &'a str,
    issues: &'a [IssueJson],
}

#[derive(Template)]
#[template(path = "error_fragment.html")]
struct ErrorFragment<'a> {
    chrome: Chrome,
    message: &'a str,
    issues: &'a [IssueJson],
}

pub fn error_page(lang: Lang, status: StatusCode, message: &str, issues: &[IssueJson]) -> String {
    ErrorPage {
        chrome: Chrome::new(lang, None, ""),
        status: status.as_u16(),
        message,
        issues,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

pub fn error_fragment(lang: Lang, message: &str, issues: &[IssueJson]) -> String {
    ErrorFragment {
        chrome: Chrome::new(lang, None, ""),
        message,
        issues,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

#[derive(Template)]
#[template(path = "form_result.html")]
struct FormProblems<'a> {
    chrome: Chrome,
    message: String,
    issues: &'a [IssueJson],
}

/// The answer to a form whose fields have problems: the list, located by field, with 422.
pub fn form_problems(
    lang: Lang,
    user: &CurrentUser,
    issues: &[innozone_domain::registry::import::ImportIssue],
) -> Result<axum::response::Response, crate::error::WebError> {
    use axum::response::IntoResponse;
    let issues = crate::error::issues_json(issues, lang);
    let page = FormProblems {
        chrome: Chrome::new(lang, Some(user), ""),
        message: lang.t("form.fix_problems"),
        issues: &issues,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// Tells htmx to load `target`: the answer to a form that saved.
pub fn redirect_htmx(target: &str) -> Result<axum::response::Response, crate::error::WebError> {
    use axum::response::IntoResponse;
    let mut r = StatusCode::NO_CONTENT.into_response();
    let value = axum::http::HeaderValue::from_str(target)
        .map_err(|e| crate::error::WebError::Internal(e.to_string()))?;
    r.headers_mut().insert("HX-Redirect", value);
    Ok(r)
}

/// Renders a template or reports why not.
pub fn render(t: &impl Template) -> Result<axum::response::Html<String>, crate::error::WebError> {
    t.render()
        .map(axum::response::Html)
        .map_err(|e| crate::error::WebError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(250000), "250,000");
        assert_eq!(super::grouped(-1234567), "-1,234,567");
    }
}
