use innozone_domain::Date;
use innozone_domain::accounts::Principal;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_domain::reporting::{Form, Period};
use innozone_store::{PeriodRecord, Store};

use super::context::form_version;
use crate::AppError;
use crate::accounts::actor_of;

/// Checks a form definition and stores it as a new version. The same version again with
/// the same text changes nothing; a changed definition needs a new version number, so
/// that periods filed under the old one keep it.
pub async fn install_form(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<Form, AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let form = Form::parse(source)?;
    store.save_form(&form, &actor_of(principal)).await?;
    Ok(form)
}

/// Opens a period of a form under its latest version, with the form's deadline unless
/// another is given; for an open period, changes the deadline.
pub async fn open_period(
    store: &dyn Store,
    principal: &Principal,
    form_code: &str,
    period: Period,
    deadline: Option<Date>,
) -> Result<PeriodRecord, AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let versions = store.form_versions(form_code).await?;
    let Some(&latest) = versions.last() else {
        return Err(AppError::NotFound {
            entity: "form",
            key: form_code.to_string(),
        });
    };
    let existing = store.period(form_code, period).await?;
    let version = existing.as_ref().map_or(latest, |p| p.form_version);
    let form = form_version(store, form_code, version).await?;
    if period.period_type() != form.period_type {
        return Err(AppError::WrongPeriodType {
            form: form.code.clone(),
            period: period.to_string(),
        });
    }
    let record = PeriodRecord {
        form_code: form_code.to_string(),
        period,
        form_version: version,
        deadline: deadline.unwrap_or_else(|| form.deadline(period)),
    };
    store.save_period(&record, &actor_of(principal)).await?;
    Ok(record)
}

/// A form with its versions and periods, for the forms page.
#[derive(Debug, Clone)]
pub struct FormOverview {
    pub form: Form,
    pub versions: Vec<u32>,
    pub periods: Vec<PeriodRecord>,
}

pub async fn form_overview(
    store: &dyn Store,
    code: &str,
    version: Option<u32>,
) -> Result<FormOverview, AppError> {
    let versions = store.form_versions(code).await?;
    let Some(&latest) = versions.last() else {
        return Err(AppError::NotFound {
            entity: "form",
            key: code.to_string(),
        });
    };
    let form = form_version(store, code, version.unwrap_or(latest)).await?;
    let periods = store.periods(code).await?;
    Ok(FormOverview {
        form,
        versions,
        periods,
    })
}
