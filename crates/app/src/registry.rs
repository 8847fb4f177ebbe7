//! The registry's use cases: what a user may see of it, its pages' data, edits, imports
//! and exports.

use std::collections::HashMap;

use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::enterprise::yes_no_zh;
use innozone_domain::registry::import::{
    ENTERPRISE_COLUMNS, ImportIssue, UNIT_COLUMNS, parse_enterprise_rows_partial,
    parse_unit_rows_partial, plan_enterprise_import, plan_unit_import,
};
use innozone_domain::registry::{
    CreditCode, Enterprise, EnterpriseId, Hierarchy, Location, Recognition, Tree, Unit, UnitId,
};
use innozone_domain::table::{Cell, Row, Table};
use innozone_exchange::{FileFormat, ReadLimits, SheetData, Value};
use innozone_store::{
    AuditEntry, AuditQuery, EnterpriseList, EnterpriseQuery, ImportSummary, Store, UnitFigures,
};

use crate::AppError;
use crate::accounts::actor_of;
use crate::issues::Issues;

/// Which enterprises a user may list: `units` (located in) and `only` (these ids), as an
/// enterprise query expects them.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseScope {
    pub units: Option<Vec<UnitId>>,
    pub only: Option<Vec<EnterpriseId>>,
}

pub fn enterprise_scope(principal: &Principal, tree: &Tree) -> Result<EnterpriseScope, AppError> {
    use innozone_domain::accounts::Binding;
    if !principal.sees_enterprises() {
        return Err(AppError::Forbidden);
    }
    Ok(match (principal.role, principal.binding) {
        (Role::Administrator, _) | (_, Binding::Everything) => EnterpriseScope {
            units: None,
            only: None,
        },
        (_, Binding::Enterprise(e)) => EnterpriseScope {
            units: None,
            only: Some(vec![e]),
        },
        (_, Binding::Unit(u)) => EnterpriseScope {
            units: Some(tree.subtree(u)),
            only: None,
        },
    })
}

/// Narrows a query to the user's scope. A `unit` filter outside the scope is refused, and
/// so is a search text longer than [`crate::limits::SEARCH_CHARS`].
pub fn scoped_query(
    principal: &Principal,
    tree: &Tree,
    mut query: EnterpriseQuery,
    unit: Option<UnitId>,
) -> Result<EnterpriseQuery, AppError> {
    if let Some(text) = &query.text {
        let length = text.chars().count();
        if length > crate::limits::SEARCH_CHARS {
            return Err(AppError::SearchTooLong {
                length,
                limit: crate::limits::SEARCH_CHARS,
            });
        }
    }
    let scope = enterprise_scope(principal, tree)?;
    if let Some(u) = unit {
        if !principal.may_read_unit(u, tree) {
            return Err(AppError::Forbidden);
        }
        query.units = Some(tree.subtree(u));
    } else {
        query.units = scope.units;
    }
    query.only = scope.only;
    Ok(query)
}

pub async fn search_enterprises(
    store: &dyn Store,
    principal: &Principal,
    tree: &Tree,
    query: EnterpriseQuery,
    unit: Option<UnitId>,
) -> Result<EnterpriseList, AppError> {
    let query = scoped_query(principal, tree, query, unit)?;
    Ok(store.search_enterprises(&query).await?)
}

/// A child of a unit with the figures of its whole subtree.
#[derive(Debug, Clone)]
pub struct ChildSummary {
    pub unit: Unit,
    pub figures: UnitFigures,
    pub children: usize,
}

#[derive(Debug, Clone)]
pub struct UnitOverview {
    pub unit: Unit,
    /// From the root down to the unit's parent.
    pub ancestors: Vec<Unit>,
    pub children: Vec<ChildSummary>,
    /// Figures of the unit's whole subtree; `None` for users who see no enterprise data.
    pub figures: Option<UnitFigures>,
    pub memberships: Vec<(Unit, Date, Option<Date>)>,
    pub may_edit: bool,
}

/// Sums the figures of each unit's subtree from the per-unit counts.
pub fn subtree_figures(
    tree: &Tree,
    root: UnitId,
    direct: &HashMap<UnitId, UnitFigures>,
) -> UnitFigures {
    let mut total = UnitFigures::default();
    for u in tree.subtree(root) {
        if let Some(f) = direct.get(&u) {
            total += *f;
        }
    }
    total
}

pub async fn unit_overview(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    unit: UnitId,
    today: Date,
) -> Result<UnitOverview, AppError> {
    let tree = hierarchy.as_of(today);
    let found = hierarchy.unit(unit).cloned().ok_or(AppError::NotFound {
        entity: "unit",
        key: unit.to_string(),
    })?;
    if !principal.may_read_unit(unit, &tree) {
        return Err(AppError::Forbidden);
    }
    let subtree = tree.subtree(unit);
    let direct = if principal.sees_enterprises() {
        Some(store.unit_figures(&subtree, today).await?)
    } else {
        None
    };
    let children = tree
        .children(unit)
        .iter()
        .filter_map(|c| hierarchy.unit(*c).cloned())
        .map(|c| ChildSummary {
            figures: direct
                .as_ref()
                .map(|d| subtree_figures(&tree, c.id, d))
                .unwrap_or_default(),
            children: tree.children(c.id).len(),
            unit: c,
        })
        .collect();
    let path = tree.path(unit);
    let ancestors = path[..path.len() - 1]
        .iter()
        .filter_map(|u| hierarchy.unit(*u).cloned())
        .collect();
    let memberships = hierarchy
        .memberships_of(unit)
        .into_iter()
        .filter_map(|m| {
            hierarchy
                .unit(m.parent)
                .map(|p| (p.clone(), m.from, m.until))
        })
        .collect();
    Ok(UnitOverview {
        figures: direct.as_ref().map(|d| subtree_figures(&tree, unit, d)),
        unit: found,
        ancestors,
        children,
        memberships,
        may_edit: principal.may_write_unit(unit, &tree),
    })
}

#[derive(Debug, Clone)]
pub struct EnterpriseDetail {
    pub enterprise: Enterprise,
    /// The path from the root to the current park.
    pub park_path: Vec<Unit>,
    pub locations: Vec<(Location, Option<Unit>)>,
    pub recognitions: Vec<Recognition>,
    pub may_edit: bool,
}

pub async fn enterprise_detail(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    id: EnterpriseId,
    today: Date,
) -> Result<EnterpriseDetail, AppError> {
    let tree = hierarchy.as_of(today);
    let enterprise = store
        .enterprise(id, today)
        .await?
        .ok_or(AppError::NotFound {
            entity: "enterprise",
            key: id.to_string(),
        })?;
    if !principal.may_read_enterprise(id, enterprise.park, &tree) {
        return Err(AppError::Forbidden);
    }
    let park_path = enterprise
        .park
        .map(|p| {
            tree.path(p)
                .into_iter()
                .filter_map(|u| hierarchy.unit(u).cloned())
                .collect()
        })
        .unwrap_or_default();
    let locations = store
        .enterprise_locations(id)
        .await?
        .into_iter()
        .map(|l| {
            let unit = hierarchy.unit(l.park).cloned();
            (l, unit)
        })
        .collect();
    let recognitions = store.recognitions(id).await?;
    Ok(EnterpriseDetail {
        may_edit: principal.may_write_enterprise(id, enterprise.park, &tree),
        enterprise,
        park_path,
        locations,
        recognitions,
    })
}

/// The outcome of an import, checked only (`dry_run`) or applied.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: usize,
    pub summary: ImportSummary,
}

/// Reads an uploaded file into a table, within `limits`.
pub fn read_upload(file_name: &str, bytes: &[u8], limits: &ReadLimits) -> Result<Table, AppError> {
    let format = FileFormat::from_file_name(file_name)
        .ok_or_else(|| AppError::File(format!("{file_name}: use .xlsx or .csv")))?;
    Ok(innozone_exchange::read_table_within(
        file_name, bytes, format, None, limits,
    )?)
}

pub async fn import_units(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    dry_run: bool,
    today: Date,
) -> Result<ImportReport, AppError> {
    if !principal.may_import() {
        return Err(AppError::Forbidden);
    }
    let (rows, parse_issues) = parse_unit_rows_partial(table);
    let count = rows.len() + parse_issues.len();
    let hierarchy = store.hierarchy().await?;
    let plan = all_issues(
        parse_issues,
        plan_unit_import(table, rows, &hierarchy, principal, today),
    )?;
    let summary = if dry_run {
        let created = plan.created() as u64;
        let updated = plan.updated() as u64;
        ImportSummary {
            created,
            updated,
            unchanged: count as u64 - created - updated,
            moved: plan
                .memberships
                .iter()
                .filter(|m| m.ends_previous.is_some())
                .count() as u64,
        }
    } else {
        store.apply_unit_plan(&plan, &actor_of(principal)).await?
    };
    Ok(ImportReport {
        dry_run,
        rows: count,
        summary,
    })
}

pub async fn import_enterprises(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    dry_run: bool,
    today: Date,
) -> Result<ImportReport, AppError> {
    if !principal.may_import() {
        return Err(AppError::Forbidden);
    }
    enterprise_table(store, principal, table, dry_run, today).await
}

/// Saves one enterprise's form. Unlike an import, an enterprise filer may do this for
/// its own enterprise; the planner checks the scope of each row either way.
pub async fn save_enterprise_form(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    today: Date,
) -> Result<ImportReport, AppError> {
    enterprise_table(store, principal, table, false, today).await
}

async fn enterprise_table(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    dry_run: bool,
    today: Date,
) -> Result<ImportReport, AppError> {
    let (rows, parse_issues) = parse_enterprise_rows_partial(table);
    let count = rows.len() + parse_issues.len();
    let codes: Vec<_> = rows.iter().map(|r| r.draft.credit_code.clone()).collect();
    let stored = store.stored_enterprises(&codes).await?;
    let hierarchy = store.hierarchy().await?;
    let plan = all_issues(
        parse_issues,
        plan_enterprise_import(table, rows, &stored, &hierarchy, principal, today),
    )?;
    let summary = if dry_run {
        let created = plan.created() as u64;
        let updated = plan.updated() as u64;
        let moved = plan
            .enterprises
            .iter()
            .filter(|e| e.existing.is_some() && e.new_location.is_some())
            .count() as u64;
        ImportSummary {
            created,
            updated,
            unchanged: count as u64 - created - updated,
            moved,
        }
    } else {
        store
            .apply_enterprise_plan(&plan, &actor_of(principal))
            .await?
    };
    Ok(ImportReport {
        dry_run,
        rows: count,
        summary,
    })
}

/// Joins the problems of parsing with those of planning the rows that parsed, so that a
/// bad file gets every problem listed at once, in file order.
fn all_issues<P>(
    mut issues: Vec<ImportIssue>,
    planned: Result<P, Vec<ImportIssue>>,
) -> Result<P, AppError> {
    match planned {
        Ok(plan) if issues.is_empty() => Ok(plan),
        Ok(_) => Err(AppError::Import(Issues::from_vec(issues))),
        Err(more) => {
            issues.extend(more);
            Err(AppError::Import(Issues::from_vec(issues)))
        }
    }
}

/// Builds a one-row table from form fields, so that a form goes through exactly the
/// parsing and checks of an import and its errors name the field.
pub fn form_table(fields: &[(&str, String)]) -> Table {
    Table {
        sheet: None,
        header_row: 1,
        headers: fields.iter().map(|(k, _)| k.to_string()).collect(),
        rows: vec![Row {
            number: 2,
            cells: fields
                .iter()
                .map(|(_, v)| {
                    if v.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(v.clone())
                    }
                })
                .collect(),
        }],
    }
}

/// Issues of a one-row form, by field key.
pub fn issues_by_field(issues: &[ImportIssue]) -> HashMap<&'static str, Vec<&ImportIssue>> {
    let mut map: HashMap<&'static str, Vec<&ImportIssue>> = HashMap::new();
    for i in issues {
        map.entry(i.field.unwrap_or("")).or_default().push(i);
    }
    map
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map(|v| Value::Text(v.to_string()))
        .unwrap_or(Value::Empty)
}

/// The units the user may read, as a sheet with the import's columns, so that an export
/// can be edited and imported back.
pub fn units_sheet(principal: &Principal, hierarchy: &Hierarchy, today: Date) -> SheetData {
    let tree = hierarchy.as_of(today);
    let mut units: Vec<&Unit> = hierarchy
        .units()
        .filter(|u| principal.may_read_unit(u.id, &tree))
        .collect();
    // Parents before children, so that the file imports in order.
    units.sort_by_key(|u| {
        (
            tree.path(u.id).len(),
            u.kind.level(),
            u.code.as_str().to_string(),
        )
    });
    let rows = units
        .into_iter()
        .map(|u| {
            let current = hierarchy
                .memberships_of(u.id)
                .into_iter()
                .find(|m| m.is_valid_on(today))
                .cloned();
            let parent = current.as_ref().and_then(|m| hierarchy.unit(m.parent));
            vec![
                text(u.code.as_str()),
                text(&u.name_zh),
                opt_text(u.name_en.as_deref()),
                text(u.kind.name_zh()),
                opt_text(parent.map(|p| p.code.as_str())),
                current.map(|m| Value::Date(m.from)).unwrap_or(Value::Empty),
                u.area_km2.map(Value::Number).unwrap_or(Value::Empty),
                u.population.map(Value::Integer).unwrap_or(Value::Empty),
                text(u.leading_industries.join("、")),
                opt_text(u.spatial_role.map(|r| r.name_zh())),
            ]
        })
        .collect();
    SheetData {
        name: "单位".to_string(),
        headers: UNIT_COLUMNS.iter().map(|c| c.template_header()).collect(),
        rows,
    }
}

/// The enterprises the user may read (with the query's filters), in pages so that a
/// national export does not hold one giant query.
pub async fn enterprises_sheet(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    query: EnterpriseQuery,
    unit: Option<UnitId>,
    today: Date,
) -> Result<SheetData, AppError> {
    let tree = hierarchy.as_of(today);
    let mut query = scoped_query(principal, &tree, query, unit)?;
    query.today = Some(today);
    query.limit = 5000;
    query.offset = 0;
    let mut rows = Vec::new();
    loop {
        let page = store.search_enterprises(&query).await?;
        let n = page.items.len() as i64;
        for e in page.items {
            let park = e.park.and_then(|p| hierarchy.unit(p));
            rows.push(vec![
                text(e.credit_code.as_str()),
                text(&e.name),
                text(e.industry.as_str()),
                opt_text(e.high_tech_field.map(|f| f.name_zh())),
                text(e.size_class.name_zh()),
                text(e.registration_type.name_zh()),
                opt_text(park.map(|p| p.code.as_str())),
                e.park_since.map(Value::Date).unwrap_or(Value::Empty),
                opt_text(e.contact_name.as_deref()),
                opt_text(e.contact_phone.as_deref()),
                text(yes_no_zh(e.in_survey)),
            ]);
        }
        query.offset += n;
        if n == 0 || query.offset >= page.total {
            break;
        }
    }
    Ok(SheetData {
        name: "企业".to_string(),
        headers: ENTERPRISE_COLUMNS
            .iter()
            .map(|c| c.template_header())
            .collect(),
        rows,
    })
}

pub fn unit_template() -> Result<Vec<u8>, AppError> {
    innozone_exchange::template_xlsx("单位", &UNIT_COLUMNS, "填写说明")
        .map_err(|e| AppError::File(e.to_string()))
}

pub fn enterprise_template() -> Result<Vec<u8>, AppError> {
    innozone_exchange::template_xlsx("企业", &ENTERPRISE_COLUMNS, "填写说明")
        .map_err(|e| AppError::File(e.to_string()))
}

/// A sheet as the bytes of a file of the given format.
pub fn sheet_bytes(sheet: &SheetData, format: FileFormat) -> Result<Vec<u8>, AppError> {
    match format {
        FileFormat::Xlsx => innozone_exchange::write_xlsx(std::slice::from_ref(sheet))
            .map_err(|e| AppError::File(e.to_string())),
        FileFormat::Csv => Ok(innozone_exchange::write_csv(sheet)),
    }
}

/// The unit tree as a user sees it on a date: where it starts, and how many enterprises
/// are located directly in each unit shown.
#[derive(Debug, Clone)]
pub struct UnitTree {
    /// The user's home unit, or every root of the tree for who sees everything.
    pub roots: Vec<UnitId>,
    /// Enterprises located directly in each unit under the roots; empty for who does
    /// not see enterprises.
    pub direct: HashMap<UnitId, UnitFigures>,
}

/// The unit tree on `date` for `principal`; enterprise filers see no tree.
pub async fn unit_tree(
    store: &dyn Store,
    principal: &Principal,
    tree: &Tree,
    date: Date,
) -> Result<UnitTree, AppError> {
    if matches!(principal.binding, Binding::Enterprise(_)) {
        return Err(AppError::Forbidden);
    }
    let roots: Vec<UnitId> = match principal.home_unit() {
        Some(home) => vec![home],
        None => tree.roots.clone(),
    };
    let visible: Vec<UnitId> = roots.iter().flat_map(|r| tree.subtree(*r)).collect();
    let direct = if principal.sees_enterprises() {
        store.unit_figures(&visible, date).await?
    } else {
        HashMap::new()
    };
    Ok(UnitTree { roots, direct })
}

/// The latest `limit` changes to one enterprise in the audit log, newest first. Shown
/// with the enterprise to whoever may read it, unlike the whole log.
pub async fn enterprise_history(
    store: &dyn Store,
    enterprise: &Enterprise,
    limit: i64,
) -> Result<Vec<AuditEntry>, AppError> {
    let query = AuditQuery {
        entity: Some("enterprise".into()),
        entity_key: Some(enterprise.credit_code.to_string()),
        limit,
        ..Default::default()
    };
    Ok(store.audit(&query).await?.0)
}

pub use crate::cache::HierarchyCache;

/// The unit a page shows when none is asked for: the user's own, or for those bound to
/// everything (administrators) the first zone by code.
pub fn default_unit(principal: &Principal, hierarchy: &Hierarchy) -> Option<UnitId> {
    principal.home_unit().or_else(|| {
        let mut zones: Vec<_> = hierarchy
            .units()
            .filter(|u| u.kind == innozone_domain::registry::UnitKind::Zone)
            .collect();
        zones.sort_by(|a, b| a.code.cmp(&b.code));
        zones.first().map(|u| u.id)
    })
}

/// The registry's units and their memberships over time, for reading unit codes and
/// checking scopes. A server keeps it between requests in a [`HierarchyCache`]; this
/// reads it afresh, for a command that runs once.
pub async fn registry_hierarchy(store: &dyn Store) -> Result<Hierarchy, AppError> {
    Ok(store.hierarchy().await?)
}

/// The enterprise `id` if `principal` may read it on `tree`'s date. An enterprise the
/// principal may not read is not found, so that a stranger learns nothing of it.
pub async fn readable_enterprise(
    store: &dyn Store,
    principal: &Principal,
    tree: &Tree,
    id: EnterpriseId,
) -> Result<Enterprise, AppError> {
    let not_found = || AppError::NotFound {
        entity: "enterprise",
        key: id.to_string(),
    };
    let stored = store
        .enterprise(id, crate::clock::today())
        .await?
        .ok_or_else(not_found)?;
    if !principal.may_read_enterprise(stored.id, stored.park, tree) {
        return Err(not_found());
    }
    Ok(stored)
}

/// The enterprise with the credit code `code`, if registered.
pub async fn enterprise_by_credit_code(
    store: &dyn Store,
    code: &CreditCode,
) -> Result<Option<Enterprise>, AppError> {
    Ok(store
        .enterprise_by_code(code, crate::clock::today())
        .await?)
}
