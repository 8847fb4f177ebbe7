//! `innozone evaluation`: the evaluation schemes installed in the store, runs of a scheme
//! over the parks of a zone (kept, never overwritten), a kept run printed as its ranking,
//! and a unit's development index.

use innozone_app::accounts::operator_principal;
use innozone_app::evaluation::{
    current_scheme, evaluate, index_view, install_scheme, installed_schemes, run_view, visible_runs,
};
use innozone_app::monitoring::{Basis, Monitor};
use innozone_app::registry::registry_hierarchy;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::reporting::Period;
use innozone_i18n::Lang;

use crate::EvaluationAction;
use crate::commands::open;
use crate::monitoring::{read_text, unit_id};
use crate::output::Failure;

fn basis_of(all_submitted: bool) -> Basis {
    if all_submitted {
        Basis::IncludingUnapproved
    } else {
        Basis::Approved
    }
}

fn describe(scheme: &Scheme, lang: Lang) {
    let english = lang.is_english();
    println!(
        "{}",
        lang.t_with(
            "cli.evaluation.scheme",
            &[
                ("code", scheme.code.clone()),
                ("version", scheme.version.to_string()),
                ("name", scheme.name(english).to_string()),
                ("indicators", scheme.indicators().count().to_string()),
            ]
        )
    );
    let weights = scheme.effective_weights();
    for (i, node) in scheme.nodes.iter().enumerate() {
        println!(
            "  {}{:<28} {:>6.2}%  {}",
            "  ".repeat(node.depth),
            node.code,
            weights[i] * 100.0,
            node.name(english)
        );
    }
}

async fn print_run(store: &dyn innozone_store::Store, id: i64, lang: Lang) -> Result<(), Failure> {
    let english = lang.is_english();
    let hierarchy = registry_hierarchy(store).await?;
    let view = run_view(store, &hierarchy, &operator_principal(), id).await?;
    let s = &view.run.summary;
    println!(
        "{}",
        lang.t_with(
            "cli.evaluation.run",
            &[
                ("id", s.id.to_string()),
                ("scheme", view.scheme.name(english).to_string()),
                (
                    "period",
                    if english {
                        s.period.label_en()
                    } else {
                        s.period.label_zh()
                    }
                ),
            ]
        )
    );
    let none = "—".to_string();
    for &u in &view.visible {
        let unit = &view.run.inputs.units[u];
        let o = &view.run.outcome.units[u];
        let grade = o
            .grade
            .as_deref()
            .and_then(|g| view.scheme.grades.index(g))
            .map(|g| view.scheme.grades.bands[g].name(english).to_string())
            .unwrap_or_else(|| none.clone());
        let flags: Vec<String> = view.flags[u]
            .iter()
            .filter_map(|f| view.scheme.consequences.iter().find(|c| c.code == f.rule))
            .map(|c| if english { c.en.clone() } else { c.zh.clone() })
            .collect();
        let veto = if o.vetoed {
            format!(" {}", lang.t("cli.evaluation.vetoed"))
        } else {
            String::new()
        };
        println!(
            "  {:>3}  {:<12} {:<24} {:>7}  {}{}{}",
            o.rank.map_or_else(|| none.clone(), |r| r.to_string()),
            unit.code,
            unit.name(english),
            o.total.map_or_else(|| none.clone(), |t| format!("{t:.2}")),
            grade,
            veto,
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join("、"))
            }
        );
    }
    if let Some(m) = &view.movement {
        println!(
            "{}",
            lang.t_with(
                "cli.evaluation.moved",
                &[
                    ("earlier", m.earlier.id.to_string()),
                    ("units", m.units.len().to_string()),
                    ("inputs", m.inputs.len().to_string()),
                ]
            )
        );
        for c in &m.inputs {
            let show = |v: Option<f64>| v.map_or_else(|| none.clone(), |v| format!("{v}"));
            println!(
                "  {} {}: {} → {}",
                c.unit,
                c.indicator,
                show(c.before),
                show(c.after)
            );
        }
    }
    Ok(())
}

pub async fn evaluation(
    database: &str,
    lang: Lang,
    action: EvaluationAction,
) -> Result<(), Failure> {
    let store = open(database, lang).await?;
    let store = &*store;
    match action {
        EvaluationAction::Schemes => {
            let schemes = installed_schemes(store).await?;
            if schemes.is_empty() {
                println!("{}", lang.t("cli.evaluation.no_schemes"));
            }
            for (scheme, _) in schemes {
                describe(&scheme, lang);
            }
        }
        EvaluationAction::Install { file } => {
            let text = read_text(&file, lang)?;
            let (scheme, _) = install_scheme(store, &operator_principal(), &text).await?;
            describe(&scheme, lang);
        }
        EvaluationAction::Run {
            scheme,
            scope,
            year,
            all_submitted,
        } => {
            let scope = unit_id(store, &scope).await?;
            let monitor = Monitor::new();
            let done = evaluate(
                store,
                &monitor,
                &operator_principal(),
                &scheme,
                scope,
                Period::Year(year),
                basis_of(all_submitted),
            )
            .await?;
            let key = if done.created {
                "cli.evaluation.created"
            } else {
                "cli.evaluation.unchanged"
            };
            println!("{}", lang.t_with(key, &[("id", done.run.id.to_string())]));
            print_run(store, done.run.id, lang).await?;
        }
        EvaluationAction::Runs => {
            let hierarchy = registry_hierarchy(store).await?;
            for r in visible_runs(store, &hierarchy, &operator_principal()).await? {
                println!(
                    "  {:>4}  {:<28} {}  {}  {}",
                    r.id, r.scheme, r.period, r.basis, r.created_by
                );
            }
        }
        EvaluationAction::Show { id } => print_run(store, id, lang).await?,
        EvaluationAction::Index {
            scheme,
            unit,
            to,
            all_submitted,
        } => {
            let id = unit_id(store, &unit).await?;
            let (s, _) = current_scheme(store, &scheme).await?;
            let base = s.base_year.ok_or_else(|| {
                Failure::Input(
                    lang.t_with("cli.evaluation.no_base_year", &[("scheme", scheme.clone())]),
                )
            })?;
            let monitor = Monitor::new();
            let view = index_view(
                store,
                &monitor,
                &operator_principal(),
                &scheme,
                id,
                base,
                to,
                basis_of(all_submitted),
            )
            .await?;
            let english = lang.is_english();
            let roots: Vec<&str> = view
                .scheme
                .roots
                .iter()
                .map(|&r| view.scheme.nodes[r].name(english))
                .collect();
            println!(
                "{}  {}",
                view.scheme.name(english),
                lang.t("cli.evaluation.index_header")
            );
            println!("  {:<6} {:>8}  {}", "", "", roots.join(" / "));
            for y in &view.index.years {
                let parts: Vec<String> = y
                    .dimensions(&view.scheme)
                    .map(|(_, _, c)| format!("{c:+.2}"))
                    .collect();
                println!("  {:<6} {:>8.2}  {}", y.year, y.total, parts.join(" / "));
            }
        }
    }
    Ok(())
}
