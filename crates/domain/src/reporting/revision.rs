//! Comparing two revisions of a filing field by field.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// One field whose value differs between two revisions; `None` is a blank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// The fields that changed from `before` to `after`, in the order of `order` (a form's
/// field codes) and then by code for fields the form no longer has.
pub fn compare(
    order: &[&str],
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
) -> Vec<FieldChange> {
    let mut codes: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    let extra: BTreeSet<&str> = before
        .keys()
        .chain(after.keys())
        .map(String::as_str)
        .collect();
    for code in order.iter().copied().chain(extra.iter().copied()) {
        if seen.insert(code) {
            codes.push(code);
        }
    }
    codes
        .into_iter()
        .filter_map(|code| {
            let (b, a) = (before.get(code).copied(), after.get(code).copied());
            (b != a).then(|| FieldChange {
                field: code.to_string(),
                before: b,
                after: a,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn lists_changed_added_and_blanked_fields_in_form_order() {
        let before = map(&[("revenue", 1200.0), ("employees", 80.0), ("old_field", 1.0)]);
        let after = map(&[("revenue", 1250.0), ("employees", 80.0), ("rd_staff", 12.0)]);
        let changes = compare(&["employees", "rd_staff", "revenue"], &before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "rd_staff".into(),
                    before: None,
                    after: Some(12.0)
                },
                FieldChange {
                    field: "revenue".into(),
                    before: Some(1200.0),
                    after: Some(1250.0)
                },
                FieldChange {
                    field: "old_field".into(),
                    before: Some(1.0),
                    after: None
                },
            ]
        );
        assert!(compare(&["revenue"], &after, &after).is_empty());
    }
}
