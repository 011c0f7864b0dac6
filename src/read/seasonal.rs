//! Which service points are seasonal: open in summer but not all year (many rural shops open
//! May–September only). A seasonal point counts like any other, and the analysis also gives
//! the gaps without seasonal points (the winter picture).
//!
//! # The rule
//! A point is seasonal when
//! - its `opening_hours` value has it closed for the whole winter reference week and open at
//!   some time in the summer reference week ([`hours_seasonal`]), or
//! - it has a `seasonal` tag whose value is not `no` ([`tag_seasonal`]; OSM's values are
//!   `yes`, `summer`, `winter`, `dry_season`, ... and the tag is rarer than month ranges in
//!   `opening_hours`, which the wiki prefers for shops).
//!
//! The reference weeks are fixed ([`WINTER_WEEK`], [`SUMMER_WEEK`]: the ISO weeks of
//! [`REFERENCE_YEAR`] that hold 15 January and 15 July), so no result depends on the day the
//! analysis runs. "Closed" means neither open nor `unknown` at any moment of the week: a
//! value that says it may be open is not taken for closed. A winter-only value (open in
//! January, closed in July) is not seasonal: it is the summer-only shops that make a winter
//! analysis wrong.
//!
//! # What is not evaluated
//! The values are evaluated without a country or a time zone (the `opening-hours` crate's
//! default context): its holiday calendars are then empty, so `PH` (public holiday) and `SH`
//! (school holiday) selectors match no day, and `PH off` closes nothing. This does not matter
//! for the rule: the reference weeks hold no Swedish public holiday (Epiphany is 6 January,
//! Midsummer in June), and a holiday rule could change the answer only for a point open on
//! holidays alone. Times of day (`sunrise`, `sunset`) use the crate's default place; they move
//! opening times within a day, never whether a week has any.
//!
//! A value the crate does not parse counts as year-round, and the reader counts such values
//! per kind (`inspect` shows them), so a planner sees how much the rule could not judge.

use chrono::{NaiveDate, NaiveDateTime, Weekday};
use opening_hours::{OpeningHours, RuleKind};

/// The year of the reference weeks.
pub const REFERENCE_YEAR: i32 = 2025;

/// The winter reference week: ISO week 3 of [`REFERENCE_YEAR`], Monday 13 to Sunday 19 January
/// 2025, the week that holds 15 January.
pub const WINTER_WEEK: u32 = 3;

/// The summer reference week: ISO week 29 of [`REFERENCE_YEAR`], Monday 14 to Sunday 20 July
/// 2025, the week that holds 15 July.
pub const SUMMER_WEEK: u32 = 29;

/// What an `opening_hours` value says about the season.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hours {
    /// Closed all the winter reference week, open at some time in the summer one.
    Seasonal,
    /// Anything else that parses: open in winter, never open, open in winter only, ...
    YearRound,
    /// The value does not parse (counted as year-round).
    Unparsed,
}

/// Judges an `opening_hours` value by the reference weeks.
pub fn hours_seasonal(value: &str) -> Hours {
    let Ok(hours) = value.parse::<OpeningHours>() else {
        return Hours::Unparsed;
    };
    let (Some(winter), Some(summer)) = (week(WINTER_WEEK), week(SUMMER_WEEK)) else {
        // The constants are valid ISO weeks; a calendar that says otherwise judges nothing.
        return Hours::YearRound;
    };
    let kinds_in = |(from, to): (NaiveDateTime, NaiveDateTime)| {
        hours
            .iter_range(from, to)
            .filter(|r| r.range.start < r.range.end)
            .map(|r| r.kind)
            .collect::<Vec<_>>()
    };
    let winter_closed = kinds_in(winter).iter().all(|k| *k == RuleKind::Closed);
    let summer_open = kinds_in(summer).contains(&RuleKind::Open);
    if winter_closed && summer_open {
        Hours::Seasonal
    } else {
        Hours::YearRound
    }
}

/// Whether a `seasonal` tag's value makes a point seasonal: any value but `no` (trimmed,
/// case-insensitive); an empty value says nothing.
pub fn tag_seasonal(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && !v.eq_ignore_ascii_case("no")
}

/// Monday 00:00 to the next Monday 00:00 of ISO week `week` of [`REFERENCE_YEAR`].
fn week(week: u32) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let monday = NaiveDate::from_isoywd_opt(REFERENCE_YEAR, week, Weekday::Mon)?;
    let start = monday.and_hms_opt(0, 0, 0)?;
    Some((start, start.checked_add_days(chrono::Days::new(7))?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn reference_weeks_hold_mid_january_and_mid_july() {
        for (w, month) in [(WINTER_WEEK, 1), (SUMMER_WEEK, 7)] {
            let (from, to) = week(w).unwrap_or_else(|| panic!("week {w}"));
            let mid = NaiveDate::from_ymd_opt(REFERENCE_YEAR, month, 15)
                .unwrap_or_else(|| panic!("15 {month}"));
            assert!(from.date() <= mid && mid < to.date(), "week {w}");
            assert_eq!(from.date().weekday(), Weekday::Mon);
            assert_eq!((to - from).num_days(), 7);
        }
    }

    #[test]
    fn summer_only_values_are_seasonal() {
        for v in [
            "May-Sep Mo-Sa 09:00-18:00",
            "Jun-Aug; Sep-May off",
            "Jun-Aug 10:00-16:00",
            "Jul Mo-Fr 10:00-12:00",
            "Apr-Oct 08:00-20:00; Nov-Mar off",
            // Summer and winter weeks each differ: the week of 15 July is open, of 15 January
            // closed.
            "Jul 14-Jul 16 10:00-12:00",
        ] {
            assert_eq!(hours_seasonal(v), Hours::Seasonal, "{v}");
        }
    }

    #[test]
    fn values_open_in_winter_or_never_open_in_summer_are_year_round() {
        for v in [
            "24/7",
            "Mo-Fr 08:00-17:00",
            "Mo-Sa 09:00-18:00; Su off",
            // Winter only: open in January, closed in July.
            "Oct-Apr 10:00-16:00",
            "Dec-Feb 09:00-15:00; Mar-Nov off",
            // Never open.
            "off",
            // Unknown in winter is not closed.
            "May-Sep 09:00-18:00; Oct-Apr unknown",
            // Open in winter on 15 January only (a Wednesday of the winter week).
            "Jan 15 10:00-12:00; May-Sep 10:00-18:00",
        ] {
            assert_eq!(hours_seasonal(v), Hours::YearRound, "{v}");
        }
    }

    #[test]
    fn public_holiday_rules_apply_to_no_day() {
        // Without a country the holiday calendar is empty: open only on holidays is never open.
        assert_eq!(hours_seasonal("PH 10:00-12:00"), Hours::YearRound);
        assert_eq!(
            hours_seasonal("Jun-Aug 10:00-18:00; PH off"),
            Hours::Seasonal
        );
    }

    #[test]
    fn values_that_do_not_parse() {
        for v in [
            "",
            "summer",
            "ring the bell",
            "Mo-Fr 9-17 Uhr",
            "May-Sep 25:00-26:00 ???",
        ] {
            assert_eq!(hours_seasonal(v), Hours::Unparsed, "{v:?}");
        }
    }

    #[test]
    fn seasonal_tag_values() {
        for v in ["yes", "summer", "winter", "dry_season", "Summer"] {
            assert!(tag_seasonal(v), "{v}");
        }
        for v in ["no", "No", " no ", ""] {
            assert!(!tag_seasonal(v), "{v:?}");
        }
    }
}
