use std::collections::{BTreeMap, HashMap};

use innozone_domain::accounts::Principal;
use innozone_domain::registry::{Enterprise, EnterpriseId, Hierarchy, UnitId};
use innozone_domain::reporting::intake::{
    CREDIT_CODE_COLUMN, EXPLANATION_COLUMN, NAME_COLUMN, PERIOD_COLUMN, field_header,
};
use innozone_domain::reporting::{FieldType, FilingStatus, Form, Period};
use innozone_exchange::{SheetData, Value};
use innozone_store::{FilingRecord, Store};

use super::context::{enterprises_by_id, form_version, located_within, period_record};
use super::progress::CompletenessView;
use super::unit_label;
use crate::AppError;

/// The header row of the upload layout: identity, period, one column per field headed
/// `label（unit）`, explanation. Templates, exports and the benchmark's file all use it.
pub fn layout_headers(form: &Form) -> Vec<String> {
    let mut headers = vec![
        CREDIT_CODE_COLUMN.1.to_string(),
        NAME_COLUMN.1.to_string(),
        PERIOD_COLUMN.1.to_string(),
    ];
    headers.extend(
        form.fields
            .iter()
            .map(|f| field_header(f, unit_label(f.unit, false))),
    );
    headers.push(EXPLANATION_COLUMN.1.to_string());
    headers
}

fn number(form: &Form, index: usize, value: Option<f64>) -> Value {
    match value {
        None => Value::Empty,
        Some(v) if form.fields[index].field_type == FieldType::Integer => Value::Integer(v as i64),
        Some(v) => Value::Number(v),
    }
}

fn filing_row(
    form: &Form,
    period: Period,
    enterprise: &Enterprise,
    values: &BTreeMap<String, f64>,
    explanation: String,
) -> Vec<Value> {
    let mut row = vec![
        Value::Text(enterprise.details.credit_code.to_string()),
        Value::Text(enterprise.details.name.clone()),
        Value::Text(period.to_string()),
    ];
    row.extend(
        form.fields
            .iter()
            .enumerate()
            .map(|(i, f)| number(form, i, values.get(&f.code).copied())),
    );
    row.push(if explanation.is_empty() {
        Value::Empty
    } else {
        Value::Text(explanation)
    });
    row
}

/// The upload layout for a period: one row per given enterprise with its identity filled
/// in, and its values so far when it has a filing. Filled in and uploaded, it files.
pub fn filing_template(
    form: &Form,
    period: Period,
    rows: &[(Enterprise, Option<FilingRecord>)],
) -> SheetData {
    SheetData {
        name: form.name_zh.chars().take(31).collect(),
        headers: layout_headers(form),
        rows: rows
            .iter()
            .map(|(e, f)| {
                let empty = BTreeMap::new();
                filing_row(
                    form,
                    period,
                    e,
                    f.as_ref().map_or(&empty, |f| &f.values),
                    String::new(),
                )
            })
            .collect(),
    }
}

/// The approved filings of the period within `unit`, in the form's layout, and a summary
/// sheet per park (the sums of every field), for submission upward.
pub async fn approved_export(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    unit: UnitId,
) -> Result<Vec<SheetData>, AppError> {
    let record = period_record(store, form_code, period).await?;
    let form = form_version(store, form_code, record.form_version).await?;
    let tree = hierarchy.as_of(period.last_day());
    if !innozone_domain::reporting::authority::may_close_period(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let located = located_within(store, period, &tree, unit).await?;
    let ids: Vec<EnterpriseId> = located.keys().copied().collect();
    let mut approved: Vec<FilingRecord> = store
        .filings(form_code, period, Some(&ids))
        .await?
        .into_iter()
        .filter(|f| f.state.status == FilingStatus::Approved)
        .collect();
    approved.sort_by_key(|f| (located.get(&f.enterprise).map(|p| p.0), f.enterprise.0));
    let mut rows = Vec::with_capacity(approved.len());
    let mut sums: BTreeMap<UnitId, (u32, Vec<f64>)> = BTreeMap::new();
    let wanted: Vec<EnterpriseId> = approved.iter().map(|f| f.enterprise).collect();
    let found = enterprises_by_id(store, &wanted).await?;
    for f in &approved {
        let Some(enterprise) = found.get(&f.enterprise) else {
            continue;
        };
        let explanation = f
            .explanations
            .iter()
            .map(|(code, text)| format!("{code}：{text}"))
            .collect::<Vec<_>>()
            .join("；");
        rows.push(filing_row(
            &form,
            period,
            enterprise,
            &f.values,
            explanation,
        ));
        if let Some(park) = located.get(&f.enterprise) {
            let entry = sums
                .entry(*park)
                .or_insert_with(|| (0, vec![0.0; form.fields.len()]));
            entry.0 += 1;
            for (i, field) in form.fields.iter().enumerate() {
                entry.1[i] += f.values.get(&field.code).copied().unwrap_or(0.0);
            }
        }
    }
    crate::audit::record_reads(
        store,
        principal,
        crate::audit::Read::FilingsExport,
        &format!("{form_code} {period}"),
        approved.iter().map(|f| f.enterprise.0),
    )
    .await?;
    let data = SheetData {
        name: "企业数据".to_string(),
        headers: layout_headers(&form),
        rows,
    };
    let mut summary_headers = vec![
        "园区代码".to_string(),
        "园区名称".to_string(),
        "已审核企业数".to_string(),
    ];
    summary_headers.extend(
        form.fields
            .iter()
            .map(|f| field_header(f, unit_label(f.unit, false))),
    );
    let summary_rows = sums
        .into_iter()
        .filter_map(|(park, (count, totals))| {
            let unit = hierarchy.unit(park)?;
            let mut row = vec![
                Value::Text(unit.code.as_str().to_string()),
                Value::Text(unit.name_zh.clone()),
                Value::Integer(i64::from(count)),
            ];
            row.extend(
                totals
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| number(&form, i, Some(v))),
            );
            Some(row)
        })
        .collect();
    Ok(vec![
        data,
        SheetData {
            name: "园区汇总".to_string(),
            headers: summary_headers,
            rows: summary_rows,
        },
    ])
}

/// Completeness per park, as shown on the page.
pub fn completeness_sheet(view: &CompletenessView) -> SheetData {
    let headers = [
        "园区代码",
        "园区名称",
        "应报",
        "已报",
        "按时",
        "逾期",
        "未报",
        "退回",
        "已审核",
        "报送率(%)",
    ];
    let mut rows: Vec<Vec<Value>> = view
        .parks
        .iter()
        .map(|p| counts_row(p.park.code.as_str(), &p.park.name_zh, &p.counts))
        .collect();
    rows.push(counts_row(
        "",
        &format!("{}合计", view.unit.name_zh),
        &view.total,
    ));
    SheetData {
        name: "报送进度".to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn counts_row(code: &str, name: &str, c: &innozone_domain::reporting::Completeness) -> Vec<Value> {
    let n = |v: u32| Value::Integer(i64::from(v));
    vec![
        Value::Text(code.to_string()),
        Value::Text(name.to_string()),
        n(c.expected),
        n(c.filed),
        n(c.on_time),
        n(c.late),
        n(c.missing),
        n(c.returned),
        n(c.approved),
        c.filed_percent()
            .map_or(Value::Empty, |p| Value::Number((p * 10.0).round() / 10.0)),
    ]
}

/// The enterprises still to file, with contacts, for chasing.
pub fn missing_sheet(view: &CompletenessView) -> SheetData {
    let headers = [
        "园区",
        "统一社会信用代码",
        "企业名称",
        "联系人",
        "联系电话",
        "状态",
    ];
    let rows = view
        .missing
        .iter()
        .map(|m| {
            let d = &m.enterprise.details;
            vec![
                Value::Text(m.park.name_zh.clone()),
                Value::Text(d.credit_code.to_string()),
                Value::Text(d.name.clone()),
                d.contact_name.clone().map_or(Value::Empty, Value::Text),
                d.contact_phone.clone().map_or(Value::Empty, Value::Text),
                Value::Text(
                    if m.has_draft {
                        "草稿未提交"
                    } else {
                        "未填报"
                    }
                    .to_string(),
                ),
            ]
        })
        .collect();
    SheetData {
        name: "未报企业".to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The upload layout of a period for the enterprises expected within `unit` (surveyed in
/// its parks on the period's last day), each with its filing so far, and the unit's
/// completeness it was made from. Whoever may see the unit's completeness may have it.
pub async fn unit_filing_template(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    unit: UnitId,
) -> Result<(SheetData, CompletenessView), AppError> {
    let view =
        super::progress::completeness(store, principal, hierarchy, form_code, period, unit).await?;
    let form = form_version(store, form_code, view.period.form_version).await?;
    let tree = hierarchy.as_of(period.last_day());
    let expected: Vec<EnterpriseId> = store
        .surveyed_on(period.last_day())
        .await?
        .into_iter()
        .filter(|(_, park)| tree.is_within(*park, unit))
        .map(|(e, _)| e)
        .collect();
    let mut filings: HashMap<EnterpriseId, FilingRecord> = store
        .filings(form_code, period, Some(&expected))
        .await?
        .into_iter()
        .map(|f| (f.enterprise, f))
        .collect();
    let mut found = enterprises_by_id(store, &expected).await?;
    let rows: Vec<(Enterprise, Option<FilingRecord>)> = expected
        .iter()
        .filter_map(|id| found.remove(id).map(|e| (e, filings.remove(id))))
        .collect();
    // The workbook comes pre-filled with what each enterprise has filed so far.
    crate::audit::record_reads(
        store,
        principal,
        crate::audit::Read::FilingsExport,
        &format!("{form_code} {period}"),
        rows.iter()
            .filter(|(_, f)| f.is_some())
            .map(|(e, _)| e.id.0),
    )
    .await?;
    Ok((filing_template(&form, period, &rows), view))
}
