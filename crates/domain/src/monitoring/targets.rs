//! Targets (目标) and early warning (预警): for a unit and an indicator, a baseline and one
//! or more target points, the path between them, and how far an actual value may fall
//! short of the path before it is flagged yellow (behind) or red (seriously behind).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::expr::Span;

use super::catalogue::{Catalogue, Direction};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetPoint {
    pub year: i32,
    pub value: f64,
}

/// How the path runs between two points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// The same amount every year.
    #[default]
    Linear,
    /// The same rate every year (compound growth), as plans' "年均增长" targets are set.
    Growth,
}

/// Shortfalls, relative to the path's value, beyond which a value is behind (yellow) and
/// seriously behind (red).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub warn: f64,
    pub alarm: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            warn: 0.02,
            alarm: 0.10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The unit's code.
    pub unit: String,
    /// The indicator's code.
    pub indicator: String,
    pub baseline: TargetPoint,
    pub points: Vec<TargetPoint>,
    pub path: Path,
    pub thresholds: Thresholds,
    /// Where the target is set (a seed document and line, a plan).
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    OnTrack,
    Behind,
    SeriouslyBehind,
}

impl TargetStatus {
    pub fn code(self) -> &'static str {
        match self {
            TargetStatus::OnTrack => "on_track",
            TargetStatus::Behind => "behind",
            TargetStatus::SeriouslyBehind => "seriously_behind",
        }
    }
}

/// An actual value held against the path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// The path's value for the year.
    pub expected: f64,
    /// How far the actual falls short of the path, relative to the path's value
    /// (negative when ahead).
    pub shortfall: f64,
    pub status: TargetStatus,
}

impl Target {
    /// The baseline and the points, in order.
    pub fn all_points(&self) -> impl Iterator<Item = TargetPoint> + '_ {
        std::iter::once(self.baseline).chain(self.points.iter().copied())
    }

    pub fn final_point(&self) -> TargetPoint {
        self.points.last().copied().unwrap_or(self.baseline)
    }

    /// The path's value in `year`: `None` before the baseline; after the last point the
    /// last target holds.
    pub fn path_value(&self, year: i32) -> Option<f64> {
        if year < self.baseline.year {
            return None;
        }
        let mut previous = self.baseline;
        for point in &self.points {
            if year <= point.year {
                let span = f64::from(point.year - previous.year);
                let along = f64::from(year - previous.year) / span;
                return Some(match self.path {
                    Path::Growth if previous.value > 0.0 && point.value > 0.0 => {
                        previous.value * (point.value / previous.value).powf(along)
                    }
                    _ => previous.value + (point.value - previous.value) * along,
                });
            }
            previous = *point;
        }
        Some(previous.value)
    }

    /// The actual value of `year` against the path; `None` before the baseline.
    pub fn compare(&self, year: i32, actual: f64, direction: Direction) -> Option<Comparison> {
        let expected = self.path_value(year)?;
        let gap = match direction {
            Direction::Higher => expected - actual,
            Direction::Lower => actual - expected,
        };
        let shortfall = if expected.abs() > f64::EPSILON {
            gap / expected.abs()
        } else {
            gap
        };
        // A hair's breadth past a threshold is rounding, not a warning.
        let status = if shortfall > self.thresholds.alarm + 1e-12 {
            TargetStatus::SeriouslyBehind
        } else if shortfall > self.thresholds.warn + 1e-12 {
            TargetStatus::Behind
        } else {
            TargetStatus::OnTrack
        };
        Some(Comparison {
            expected,
            shortfall,
            status,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum TargetError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// `entry` counts from 1, in the file's order.
    #[error("target {entry}: no target point after the baseline")]
    NoPoints { entry: usize },
    #[error("target {entry}: the years must rise after the baseline ({year})")]
    YearsOutOfOrder { entry: usize, year: i32 },
    #[error("target {entry}: a value is not a finite number")]
    NotFinite { entry: usize },
    #[error("target {entry}: the thresholds must satisfy 0 ≤ warn ≤ alarm")]
    BadThresholds { entry: usize },
    #[error("target {entry}: a growth path needs positive values")]
    GrowthNeedsPositive { entry: usize },
    #[error("target {entry}: unknown indicator {indicator:?}")]
    UnknownIndicator { entry: usize, indicator: String },
    #[error("target {entry}: unknown unit {unit:?}")]
    UnknownUnit { entry: usize, unit: String },
    #[error("target {entry}: {unit} already has a target for {indicator}")]
    Duplicate {
        entry: usize,
        unit: String,
        indicator: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    #[serde(default)]
    targets: Vec<TargetEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    unit: String,
    indicator: String,
    baseline: TargetPoint,
    points: Vec<TargetPoint>,
    #[serde(default)]
    path: Path,
    warn: Option<f64>,
    alarm: Option<f64>,
    source: Option<String>,
}

/// A checked list of targets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetSet {
    pub targets: Vec<Target>,
}

impl TargetSet {
    /// Parses a targets file and checks each target against the catalogue and the units
    /// that exist.
    pub fn parse(
        source: &str,
        catalogue: &Catalogue,
        unit_exists: &dyn Fn(&str) -> bool,
    ) -> Result<TargetSet, TargetError> {
        let file: TargetFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| Span::new(span.start, span.end).line_column(source))
                .unwrap_or((1, 1));
            TargetError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let defaults = Thresholds::default();
        let targets = file
            .targets
            .into_iter()
            .map(|t| Target {
                unit: t.unit,
                indicator: t.indicator,
                baseline: t.baseline,
                points: t.points,
                path: t.path,
                thresholds: Thresholds {
                    warn: t.warn.unwrap_or(defaults.warn),
                    alarm: t.alarm.unwrap_or(defaults.alarm),
                },
                source: t.source,
            })
            .collect();
        let set = TargetSet { targets };
        set.check(catalogue, unit_exists)?;
        Ok(set)
    }

    pub fn check(
        &self,
        catalogue: &Catalogue,
        unit_exists: &dyn Fn(&str) -> bool,
    ) -> Result<(), TargetError> {
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.targets.iter().enumerate() {
            let entry = i + 1;
            check_target(t, entry)?;
            if catalogue.indicator(&t.indicator).is_none() {
                return Err(TargetError::UnknownIndicator {
                    entry,
                    indicator: t.indicator.clone(),
                });
            }
            if !unit_exists(&t.unit) {
                return Err(TargetError::UnknownUnit {
                    entry,
                    unit: t.unit.clone(),
                });
            }
            if !seen.insert((t.unit.clone(), t.indicator.clone())) {
                return Err(TargetError::Duplicate {
                    entry,
                    unit: t.unit.clone(),
                    indicator: t.indicator.clone(),
                });
            }
        }
        Ok(())
    }

    /// The target for a unit's indicator.
    pub fn find(&self, unit: &str, indicator: &str) -> Option<&Target> {
        self.targets
            .iter()
            .find(|t| t.unit == unit && t.indicator == indicator)
    }
}

fn check_target(t: &Target, entry: usize) -> Result<(), TargetError> {
    if t.points.is_empty() {
        return Err(TargetError::NoPoints { entry });
    }
    let mut year = t.baseline.year;
    for p in &t.points {
        if p.year <= year {
            return Err(TargetError::YearsOutOfOrder {
                entry,
                year: p.year,
            });
        }
        year = p.year;
    }
    if t.all_points().any(|p| !p.value.is_finite())
        || !t.thresholds.warn.is_finite()
        || !t.thresholds.alarm.is_finite()
    {
        return Err(TargetError::NotFinite { entry });
    }
    if t.thresholds.warn < 0.0 || t.thresholds.alarm < t.thresholds.warn {
        return Err(TargetError::BadThresholds { entry });
    }
    if t.path == Path::Growth && t.all_points().any(|p| p.value <= 0.0) {
        return Err(TargetError::GrowthNeedsPositive { entry });
    }
    Ok(())
}
