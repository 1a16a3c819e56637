//! Border titles that fit their border. A title is parts joined by ` · `, in order of
//! importance; when they do not all fit, one named part (the name of what the pane shows,
//! often long: a server-named queue, a path) gives up its middle to `…`, then the least
//! important parts are left out and the title ends in `· …`. A cut is never silent, and
//! never takes what the user acts on (a filter, a paused tail) before the decoration.

use crate::text::{columns, width};

/// The shortened part keeps at least this many columns (or all of it, if shorter).
const MIN_SHORTENED: usize = 16;

/// ` part · part · part `, in at most `border` columns less the two corners; the part at
/// `shorten` is the one that gives up its middle first.
pub fn fit(parts: &[String], shorten: usize, border: u16) -> String {
    let room = usize::from(border).saturating_sub(2);
    let render = |parts: &[String]| format!(" {} ", parts.join(" · "));
    let whole = render(parts);
    if width(&whole) <= room {
        return whole;
    }
    let mut parts = parts.to_vec();
    if let Some(long) = parts.get_mut(shorten) {
        let excess = width(&whole) - room;
        let long_width = width(long);
        let keep = long_width
            .saturating_sub(excess)
            .max(MIN_SHORTENED.min(long_width));
        *long = middle(long, keep);
    }
    let shortened = render(&parts);
    if width(&shortened) <= room {
        return shortened;
    }
    while parts.len() > 1 {
        parts.pop();
        let cut = format!(" {} · … ", parts.join(" · "));
        if width(&cut) <= room {
            return cut;
        }
    }
    columns(&render(&parts), 0, room).to_string()
}

/// `s` in at most `keep` columns: its start and its end, `…` between.
pub(super) fn middle(s: &str, keep: usize) -> String {
    middle_keeping(s, keep, 0)
}

/// [`middle`], keeping at least `min_tail` columns of the end (a path's file name) when
/// `keep` has room for them.
pub(super) fn middle_keeping(s: &str, keep: usize, min_tail: usize) -> String {
    let total = width(s);
    if total <= keep {
        return s.to_string();
    }
    let tail = (keep.saturating_sub(1) / 2).max(min_tail.min(keep.saturating_sub(1)));
    let head = keep.saturating_sub(1) - tail;
    let end = columns(s, total - tail, tail);
    format!("{}…{end}", columns(s, 0, head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(parts: &[&str]) -> Vec<String> {
        parts.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_title_that_fits_is_whole() {
        assert_eq!(
            fit(&parts(&["Publish", "1 acked"]), 0, 40),
            " Publish · 1 acked "
        );
    }

    #[test]
    fn the_name_gives_up_its_middle_before_anything_is_left_out() {
        let title = fit(
            &parts(&[
                "exchange → amq.gen-5QmCyE4o8MBj8yr_uMiG7Q",
                "PAUSED",
                "filter eu",
            ]),
            0,
            42,
        );
        assert_eq!(title, " exchange…r_uMiG7Q · PAUSED · filter eu ");
        assert!(width(&title) <= 40);
    }

    #[test]
    fn the_least_important_parts_go_first_and_the_cut_shows() {
        let title = fit(
            &parts(&["Publish", "3 waiting", "mandatory, confirmed"]),
            0,
            30,
        );
        assert_eq!(title, " Publish · 3 waiting · … ");
        assert_eq!(fit(&parts(&["Publish", "3 waiting"]), 0, 8), " Publi");
        let path = "/home/someone/.config/amqp-tui/profiles.toml";
        assert_eq!(
            fit(&parts(&["Profiles", path]), 1, 40),
            " Profiles · /home/someon…rofiles.toml "
        );
    }
}
