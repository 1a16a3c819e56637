//! Rows of at most `width` columns, at most `max` of them. Every body view writes through
//! this, so what a view costs is bounded by the screen it fills, not by the body: a
//! 128 MiB single-line body produces `max` rows and stops.

use ratatui::{
    style::Style,
    text::{Line, Span},
};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::{text::human_size, ui::theme};

/// A cluster is measured whole up to this many bytes; the longest emoji sequences take
/// about 40. Marks piled on past it add no width, and measuring the whole cluster again
/// for each would make one letter under a million accents cost quadratic time.
const MAX_CLUSTER_BYTES: usize = 64;

pub(super) struct Rows {
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
    /// Display columns of the current row, as the terminal draws them.
    cols: usize,
    /// The last character cluster of the row (a base and the marks, selectors and joined
    /// emoji after it): its width is measured whole, as ratatui measures a grapheme, and a
    /// row never ends inside it.
    cluster: String,
    width: usize,
    max: usize,
}

impl Rows {
    /// A zero width (an area not laid out yet) is taken as one column so that the
    /// budget arithmetic never divides the screen into nothing.
    pub(super) fn new(width: u16, max: usize) -> Self {
        Self {
            lines: Vec::new(),
            spans: Vec::new(),
            text: String::new(),
            style: Style::new(),
            cols: 0,
            cluster: String::new(),
            width: usize::from(width.max(1)),
            max,
        }
    }

    pub(super) fn is_full(&self) -> bool {
        self.lines.len() >= self.max
    }

    /// Adds `unit` (one character, or one escape such as `\e`, which is never split
    /// across rows) in `style`, starting a new row when it would not fit. `false` when no
    /// row is left for it: the caller stops there.
    pub(super) fn push(&mut self, unit: &str, style: Style) -> bool {
        // Columns are display columns: a CJK character or an emoji takes two, a combining
        // mark none. Counting characters instead made rows of wide text twice the screen,
        // and the widget clipped the rest.
        if self.joins_cluster(unit) {
            // A mark, a selector or an emoji after a joiner changes the width of what it
            // joins (`❤` is 1 column, `❤\u{fe0f}` 2), and stays on its row.
            if self.cluster.len() < MAX_CLUSTER_BYTES {
                let before = self.cluster.width();
                self.cluster.push_str(unit);
                self.cols = self.cols - before + self.cluster.width();
            }
        } else {
            let cols = unit.width();
            if self.cols > 0 && self.cols + cols > self.width {
                self.end_row();
            }
            if self.is_full() {
                return false;
            }
            self.cluster.clear();
            self.cluster.push_str(unit);
            self.cols += cols;
        }
        if style != self.style {
            self.flush_span();
            self.style = style;
        }
        self.text.push_str(unit);
        true
    }

    /// Whether `unit` belongs to the cluster before it rather than starting one: it is
    /// zero-width (a combining mark, a variation selector, a joiner) or follows a joiner.
    fn joins_cluster(&self, unit: &str) -> bool {
        let Some(first) = unit.chars().next() else {
            return true;
        };
        self.cols > 0 && (first.width() == Some(0) || self.cluster.ends_with('\u{200d}'))
    }

    /// Ends the current row, even an empty one. `false` when no row is left.
    pub(super) fn newline(&mut self) -> bool {
        if self.is_full() {
            return false;
        }
        self.end_row();
        true
    }

    /// The rows, and a last dim line saying how much was left out when `unshown > 0`.
    pub(super) fn finish(mut self, unshown: usize) -> Vec<Line<'static>> {
        if self.cols > 0 {
            self.end_row();
        }
        if unshown > 0 {
            self.lines.push(Line::styled(
                format!("… {} more", human_size(unshown)),
                theme::DIM,
            ));
        }
        self.lines
    }

    fn end_row(&mut self) {
        self.flush_span();
        self.lines.push(Line::from(std::mem::take(&mut self.spans)));
        self.cols = 0;
        self.cluster.clear();
    }

    fn flush_span(&mut self) {
        if !self.text.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.text), self.style));
        }
    }
}

/// How many bytes of a body can possibly reach `max_lines` rows of `width` columns: each
/// column shows at least one whole character (at most 4 bytes) and each row ends with at
/// most one newline byte. Reading past this is wasted work.
pub(super) fn input_budget(width: u16, max_lines: usize) -> usize {
    let per_row = usize::from(width.max(1)) * 4 + 1;
    max_lines.saturating_add(1).saturating_mul(per_row) + 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn rows_wrap_at_width_and_stop_at_max() {
        let mut rows = Rows::new(3, 2);
        let placed = "abcdefg"
            .chars()
            .take_while(|c| rows.push(&c.to_string(), Style::new()))
            .count();
        assert_eq!(placed, 6, "the seventh character has no row left");
        assert_eq!(texts(&rows.finish(1)), ["abc", "def", "… 1 B more"]);
    }

    #[test]
    fn rows_are_measured_in_display_columns() {
        let mut rows = Rows::new(5, 9);
        // Two columns each; a combining accent none; an emoji joined by ZWJs is one
        // two-column picture and is never split across rows.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        for unit in ["中", "文", "字", "e", "\u{301}", "x", "y", "z"] {
            assert!(rows.push(unit, Style::new()));
        }
        for c in family.chars() {
            assert!(rows.push(c.encode_utf8(&mut [0; 4]), Style::new()));
        }
        assert!(rows.push("\u{2764}", Style::new()));
        assert!(rows.push("\u{fe0f}", Style::new()));
        assert!(rows.push("a", Style::new()));
        assert_eq!(
            texts(&rows.finish(0)),
            [
                "中文",
                "字e\u{301}xy",
                &format!("z{family}\u{2764}\u{fe0f}"),
                "a"
            ]
        );
    }

    #[test]
    fn an_escape_is_not_split_across_rows() {
        let mut rows = Rows::new(4, 5);
        assert!(rows.push("ab", Style::new()));
        assert!(rows.push("\\e", theme::DIM));
        assert!(rows.push("\\u{202e}", theme::DIM));
        assert!(rows.newline());
        assert!(rows.newline());
        assert_eq!(texts(&rows.finish(0)), ["ab\\e", "\\u{202e}", ""]);
    }

    #[test]
    fn zero_rows_take_nothing() {
        let mut rows = Rows::new(0, 0);
        assert!(!rows.push("a", Style::new()));
        assert!(!rows.newline());
        assert_eq!(texts(&rows.finish(3)), ["… 3 B more"]);
    }
}
