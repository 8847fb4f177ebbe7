//! The problems of a file as they are answered: the first [`SHOWN`] in the file's order
//! and how many there are in all. A file of a million bad rows has a million problems;
//! nobody reads past the first screens of them, and listing all of them would take more
//! memory than the file did.

use std::ops::Deref;

use innozone_domain::monitoring::StatisticIssue;
use innozone_domain::registry::import::ImportIssue;
use innozone_domain::reporting::intake::IntakeIssue;
use innozone_domain::table::Position;

/// How many problems of one file are listed.
pub const SHOWN: usize = 1_000;

/// A problem with a place in a file.
pub trait Located {
    fn position(&self) -> &Position;
}

impl Located for ImportIssue {
    fn position(&self) -> &Position {
        &self.position
    }
}

impl Located for IntakeIssue {
    fn position(&self) -> &Position {
        &self.position
    }
}

impl Located for StatisticIssue {
    fn position(&self) -> &Position {
        &self.position
    }
}

/// The file's order: by row, then by column (a problem of the whole row first).
fn place<T: Located>(issue: &T) -> (usize, Option<usize>) {
    let p = issue.position();
    (p.row, p.column)
}

/// The first problems of a file in its order, and the count of all of them. Reads as the
/// slice of those listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Issues<T> {
    shown: Vec<T>,
    total: usize,
}

impl<T: Located> Issues<T> {
    /// The first [`SHOWN`] of `issues` in the file's order (problems at the same place in
    /// the order found), and their count.
    pub fn from_vec(issues: Vec<T>) -> Issues<T> {
        let mut list = IssueList::new();
        list.extend(issues);
        list.finish()
    }
}

impl<T> Issues<T> {
    /// How many problems there are in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The problems listed.
    pub fn shown(&self) -> &[T] {
        &self.shown
    }

    /// How many problems are not listed.
    pub fn hidden(&self) -> usize {
        self.total - self.shown.len()
    }

    /// The same problems, each listed one changed by `f` (in the same order).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Issues<U> {
        Issues {
            shown: self.shown.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

impl<T> Deref for Issues<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.shown
    }
}

/// Problems gathered as they are found, keeping only the first `cap` in the file's order:
/// its memory stays at twice the cap however many there are.
#[derive(Debug)]
pub struct IssueList<T> {
    kept: Vec<T>,
    total: usize,
    cap: usize,
}

impl<T: Located> Default for IssueList<T> {
    fn default() -> Self {
        IssueList::new()
    }
}

impl<T: Located> IssueList<T> {
    pub fn new() -> IssueList<T> {
        IssueList::with_cap(SHOWN)
    }

    pub fn with_cap(cap: usize) -> IssueList<T> {
        IssueList {
            kept: Vec::new(),
            total: 0,
            cap: cap.max(1),
        }
    }

    pub fn push(&mut self, issue: T) {
        self.total += 1;
        self.kept.push(issue);
        if self.kept.len() >= 2 * self.cap {
            self.compact();
        }
    }

    /// How many have been found.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The first `cap` in the file's order. The sort is stable and the kept ones came
    /// before the newer ones, so problems at the same place stay in the order found.
    fn compact(&mut self) {
        self.kept.sort_by_key(place);
        self.kept.truncate(self.cap);
    }

    pub fn finish(mut self) -> Issues<T> {
        self.compact();
        Issues {
            shown: self.kept,
            total: self.total,
        }
    }
}

impl<T: Located> Extend<T> for IssueList<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, issues: I) {
        for issue in issues {
            self.push(issue);
        }
    }
}

#[cfg(test)]
mod tests {
    use innozone_domain::registry::import::ImportProblem;

    use super::*;

    fn at(row: usize, column: Option<usize>) -> ImportIssue {
        ImportIssue {
            position: Position {
                sheet: None,
                row,
                column,
            },
            field: None,
            problem: ImportProblem::Required,
        }
    }

    #[test]
    fn the_first_in_the_files_order_are_kept_with_the_count_of_all() {
        let mut list = IssueList::with_cap(3);
        // Found out of order, as the checks of the rows against the registry come after
        // the checks of reading them.
        for row in [9, 2, 7, 2, 5, 1, 8, 3, 6, 4] {
            list.push(at(row, Some(row)));
        }
        list.push(at(2, None));
        let issues = list.finish();
        assert_eq!(issues.total(), 11);
        assert_eq!(issues.hidden(), 8);
        let places: Vec<_> = issues
            .iter()
            .map(|i| (i.position.row, i.position.column))
            .collect();
        assert_eq!(places, [(1, Some(1)), (2, None), (2, Some(2))]);
    }

    #[test]
    fn a_short_list_is_whole() {
        let issues = Issues::from_vec(vec![at(3, None), at(2, None)]);
        assert_eq!(issues.total(), 2);
        assert_eq!(issues.hidden(), 0);
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].position.row, 2);
    }

    #[test]
    fn a_million_problems_keep_a_thousand() {
        let mut list = IssueList::new();
        for row in (1..=1_000_000).rev() {
            list.push(at(row, None));
        }
        let issues = list.finish();
        assert_eq!((issues.len(), issues.total()), (SHOWN, 1_000_000));
        assert_eq!(issues.last().unwrap().position.row, SHOWN);
    }
}
