//! The desk (工作台): every signed-in user's home page, listing what waits for them with
//! its count and a link to where it is done (`app::desk`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use innozone_app::desk::{Desk, PeriodRef, Waiting, desk};
use innozone_domain::reporting::{FilingState, FilingStatus};
use innozone_i18n::{Lang, state_name};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, grouped, render};

/// One line of the desk, ready to show.
pub struct Item {
    /// urgent, review, chase, close, expiring, settled
    pub kind: &'static str,
    pub text: String,
    pub count: Option<String>,
    pub link: String,
    pub action: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    chrome: Chrome,
    unit_name: Option<String>,
    items: Vec<Item>,
    settled: Vec<Item>,
    read_only: bool,
}

fn what(period: &PeriodRef, lang: Lang) -> String {
    let (form, label) = if lang.is_english() {
        (period.form_en.as_str(), period.period.label_en())
    } else {
        (period.form_zh.as_str(), period.period.label_zh())
    };
    lang.t_with(
        "desk.period",
        &[("form", form.to_string()), ("period", label)],
    )
}

fn status_text(status: Option<FilingStatus>, lang: Lang) -> String {
    match status {
        None => lang.t("reports.not_started"),
        Some(status) => state_name(
            FilingState {
                status,
                locked: false,
            },
            lang,
        ),
    }
}

fn items(d: &Desk, lang: Lang) -> Vec<Item> {
    d.waiting
        .iter()
        .map(|w| match w {
            Waiting::OwnFiling {
                period,
                enterprise,
                status,
                note,
                overdue,
            } => {
                let mut text = lang.t_with(
                    "desk.own_filing",
                    &[
                        ("what", what(period, lang)),
                        ("status", status_text(*status, lang)),
                        ("deadline", period.deadline.to_string()),
                    ],
                );
                if let Some(note) = note {
                    text.push_str(&lang.t_with("desk.returned_because", &[("note", note.clone())]));
                }
                Item {
                    kind: "urgent",
                    text,
                    count: None,
                    link: format!(
                        "/reports/{}/{}/enterprises/{enterprise}",
                        period.form_code, period.period
                    ),
                    action: lang.t("reports.fill_in"),
                    overdue: *overdue,
                }
            }
            Waiting::ToReview {
                period,
                unit,
                count,
            } => Item {
                kind: "review",
                text: lang.t_with("desk.to_review", &[("what", what(period, lang))]),
                count: Some(grouped(i64::from(*count))),
                link: format!(
                    "/reports/{}/{}?unit={}&status=submitted",
                    period.form_code, period.period, unit.0
                ),
                action: lang.t("desk.review"),
                overdue: false,
            },
            Waiting::NotFiled {
                period,
                unit,
                count,
                expected,
                overdue,
            } => Item {
                kind: "chase",
                text: lang.t_with(
                    "desk.not_filed",
                    &[
                        ("what", what(period, lang)),
                        ("expected", grouped(i64::from(*expected))),
                        ("deadline", period.deadline.to_string()),
                    ],
                ),
                count: Some(grouped(i64::from(*count))),
                link: format!(
                    "/reports/{}/{}?unit={}#missing",
                    period.form_code, period.period, unit.0
                ),
                action: lang.t("desk.chase"),
                overdue: *overdue,
            },
            Waiting::ReadyToClose { period, unit } => Item {
                kind: "close",
                text: lang.t_with("desk.ready_to_close", &[("what", what(period, lang))]),
                count: None,
                link: format!(
                    "/reports/{}/{}?unit={}",
                    period.form_code, period.period, unit.0
                ),
                action: lang.t("desk.close"),
                overdue: false,
            },
            Waiting::Expiring { count } => Item {
                kind: "expiring",
                text: lang.t_with(
                    "desk.expiring",
                    &[("months", innozone_app::desk::EXPIRING_MONTHS.to_string())],
                ),
                count: Some(grouped(*count as i64)),
                link: "/cultivation/expiring".to_string(),
                action: lang.t("desk.renew"),
                overdue: false,
            },
        })
        .collect()
}

/// The home page. (An account that must change its password is sent to do so by
/// `CurrentUser`, as from every page.)
pub async fn home(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let today = innozone_app::clock::today();
    let d = desk(state.store(), &user.principal, &hierarchy, today).await?;
    let unit_name = d
        .unit
        .and_then(|u| hierarchy.unit(u))
        .map(|u| u.display_name(lang.is_english()).to_string());
    let settled = d
        .settled
        .iter()
        .map(|(period, status)| Item {
            kind: "settled",
            text: lang.t_with(
                "desk.settled",
                &[
                    ("what", what(period, lang)),
                    ("status", status_text(Some(*status), lang)),
                ],
            ),
            count: None,
            link: "/reports".to_string(),
            action: lang.t("reports.view"),
            overdue: false,
        })
        .collect();
    let page = DeskPage {
        items: items(&d, lang),
        settled,
        unit_name,
        read_only: user.principal.role.is_read_only(),
        chrome: Chrome::new(lang, Some(&user), "desk"),
    };
    Ok(render(&page)?.into_response())
}
