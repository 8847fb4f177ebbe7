//! The annual evaluation report (年度考核评价报告) of a kept run: the overview, the
//! ranking, the dimension scores, each park's profile, the consequences with their basis,
//! the zone's development index and the method. Seed 002 line 73 asks for the parks'
//! results to be published with their rewards and sanctions; seed 001 for the
//! development index every year.
//!
//! Who reads what is the run's rule (`innozone_app::evaluation::run_view`): whoever sees
//! the run's scope reads the whole report; a user bound to a park reads a report of that
//! park only (its row of the tables, its profile, its consequences, no medians and no
//! zone index); filers and the public are refused.

mod compose;

use innozone_app::AppError;
use innozone_app::evaluation::{RunView, index_schemes, index_view, run_view};
use innozone_app::monitoring::{Basis, Monitor};
use innozone_domain::accounts::Principal;
use innozone_i18n::{Lang, Localize};
use innozone_store::Store;

use self::compose::{IndexSection, Inputs, compose};
use crate::Report;

/// The report of the kept run `run_id` as `principal` may read it, in `lang`.
pub async fn annual_report(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    run_id: i64,
    lang: Lang,
) -> Result<Report, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    let view = run_view(store, &hierarchy, principal, run_id).await?;
    let zone = hierarchy
        .unit(view.run.summary.scope)
        .map(|u| u.display_name(lang.is_english()).to_string())
        .unwrap_or_default();
    let index = index_of(store, monitor, principal, &view, lang).await?;
    Ok(compose(&Inputs {
        view: &view,
        zone: &zone,
        index: &index,
        lang,
    }))
}

/// The development index of the run's scope from its scheme's base year to the run's
/// year, or why the report goes without it. A failure of the store is the report's
/// failure, not a reason to leave the index out.
async fn index_of(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    view: &RunView,
    lang: Lang,
) -> Result<IndexSection, AppError> {
    let summary = &view.run.summary;
    let year = summary.period.year();
    let mut schemes = index_schemes(store).await?;
    schemes.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    let Some(base) = schemes.first().and_then(|(s, _)| s.base_year) else {
        return Ok(IndexSection::Left(
            lang.t("evaluation_report.index.no_scheme"),
        ));
    };
    if year < base {
        return Ok(IndexSection::Left(lang.t_with(
            "evaluation_report.index.before_base",
            &[("base", base.to_string()), ("year", year.to_string())],
        )));
    }
    let code = schemes[0].0.code.clone();
    match index_view(
        store,
        monitor,
        principal,
        &code,
        summary.scope,
        base,
        year,
        Basis::parse(&summary.basis),
    )
    .await
    {
        Ok(v) => Ok(IndexSection::Computed(Box::new(v))),
        Err(e) => match left_out_because(&e, lang) {
            Some(why) => Ok(IndexSection::Left(why)),
            None => Err(e),
        },
    }
}

/// Why the index cannot be in this reader's report, for the errors that say so: the
/// reader may not read the zone's index, or the index cannot be computed from the data.
fn left_out_because(e: &AppError, lang: Lang) -> Option<String> {
    Some(match e {
        AppError::Forbidden => lang.t("error.forbidden"),
        AppError::NotFound { entity, key } => lang.t_with(
            "error.not_found_entity",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        AppError::DevelopmentIndex(e) => e.localize(lang),
        AppError::Scheme(e) => e.localize(lang),
        AppError::EvaluationData(issues) => issues
            .iter()
            .map(|i| i.localize(lang))
            .collect::<Vec<_>>()
            .join("；"),
        _ => return None,
    })
}
