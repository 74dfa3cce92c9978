//! The one kind of table human output has. Every cell (and heading) is shown through
//! [`display_text`] as it is added, so the widths are computed from what will be
//! printed: a control character expanded to `\x1b` afterwards would shift every column
//! after it, and a newline or tab in a value would make a second line or a fake column.
//! No table can forget, because cells reach the layout only through [`Table::add_row`].

use comfy_table::{ContentArrangement, presets};

use super::display_text;

/// Below this many columns a terminal's reported width is not believed (a pty that
/// reports 0 would squeeze every column to one character): the table keeps its width.
const MIN_BELIEVABLE_WIDTH: u16 = 40;

/// A table with a header row and escaped cells.
pub struct Table(comfy_table::Table);

impl Table {
    /// A table with `header`, wrapped to the terminal's width when there is a terminal
    /// that reports a believable one.
    pub fn new<const N: usize>(header: [&str; N]) -> Table {
        let mut table = comfy_table::Table::new();
        table
            .load_preset(presets::NOTHING)
            .set_header(header.map(display_text));
        match table.width() {
            Some(width) if width >= MIN_BELIEVABLE_WIDTH => {
                table.set_content_arrangement(ContentArrangement::Dynamic);
            }
            _ => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        Table(table)
    }

    /// Adds one row. Each cell is shown through [`display_text`], which leaves a cell
    /// already shown that way as it is.
    pub fn add_row<I>(&mut self, cells: I) -> &mut Table
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|cell| display_text(cell.as_ref()))
            .collect();
        self.0.add_row(cells);
        self
    }

    /// The table's lines, without trailing blanks, joined by newlines (no final one).
    pub fn text(&self) -> String {
        let text = self.0.to_string();
        let trimmed: Vec<&str> = text.lines().map(str::trim_end).collect();
        trimmed.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::escape::is_unsafe;

    #[test]
    fn hostile_cells_keep_every_column_in_place_on_one_line() {
        let mut table = Table::new(["ID", "NAME", "STATE"]);
        table.add_row(["j-1", "cyi", "WAITING"]);
        for hostile in [
            "cyi\u{1b}[2J",
            "cyi\u{9b}31m",
            "log\u{202e}txt",
            "cyi\n  j-FAKE  TERMINATING",
            "a\tb\tc",
            "x\u{7f}\r",
        ] {
            table.add_row(["j-2", hostile, "WAITING"]);
        }
        let text = table.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 8, "{text}");
        let state = lines[0].find("STATE").unwrap();
        for line in &lines[1..] {
            assert_eq!(line.find("WAITING"), Some(state), "{text}");
            assert!(
                !line.chars().any(is_unsafe) && !line.contains('\t'),
                "{text}"
            );
        }
        assert!(text.contains("\"cyi\\n  j-FAKE  TERMINATING\""), "{text}");
    }

    #[test]
    fn a_cell_already_shown_is_not_shown_twice() {
        let shown = display_text("a\u{1b}b");
        let mut table = Table::new(["X"]);
        table.add_row([shown.as_str()]);
        assert_eq!(table.text(), format!(" X\n {shown}"));
    }
}
