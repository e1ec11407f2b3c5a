package export

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/cradle-org/cradle/internal/report"
)

// bom is the UTF-8 byte order mark. Excel opens a CSV file without one in
// the local code page, so "Zoë" or "£" would come out garbled; with it, Excel
// reads UTF-8. Other spreadsheet software ignores it.
const bom = "\uFEFF"

// CSV writes tables as CSV: UTF-8 with a byte order mark (for Excel), CRLF
// line endings (RFC 4180).
//
// One table is written as a header row of column labels followed by its
// rows, so it loads straight into any tool. Several tables are written one
// after another as a document: each starts with a line holding its title,
// then a line holding its caption (if any), then its header and rows, with a
// blank line between tables.
//
// Numeric cells are written as numbers (report.Cell.String: "[c]" when
// suppressed, empty when missing); text cells, headers, titles and captions
// through SafeText.
func CSV(w io.Writer, tables ...report.Table) error {
	if len(tables) == 0 {
		return ErrNoTables
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("export: writing CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	single := len(tables) == 1
	for i, t := range tables {
		if !single {
			if i > 0 {
				// Write of an empty record writes just the line ending.
				if err := cw.Write(nil); err != nil {
					return fmt.Errorf("export: writing CSV: %w", err)
				}
			}
			if err := cw.Write([]string{SafeText(t.Title)}); err != nil {
				return fmt.Errorf("export: writing CSV table %q: %w", t.Key, err)
			}
			if t.Caption != "" {
				if err := cw.Write([]string{SafeText(t.Caption)}); err != nil {
					return fmt.Errorf("export: writing CSV table %q: %w", t.Key, err)
				}
			}
		}
		if err := writeTableCSV(cw, t); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: writing CSV: %w", err)
	}
	return nil
}

func writeTableCSV(cw *csv.Writer, t report.Table) error {
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = SafeText(c.Label)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: writing CSV table %q: %w", t.Key, err)
	}
	for i, cells := range t.Rows {
		rec, err := rowStrings(t, i, cells)
		if err != nil {
			return err
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export: writing CSV table %q: %w", t.Key, err)
		}
	}
	return nil
}

// rowStrings is one row as written: padded to the table's width (a short
// row is missing trailing figures), and refused if wider than the header,
// since those figures would have no heading.
func rowStrings(t report.Table, i int, cells []report.Cell) ([]string, error) {
	if err := checkWidth(t, i, cells); err != nil {
		return nil, err
	}
	rec := make([]string, len(t.Columns))
	for j, c := range cells {
		rec[j] = cellText(c)
	}
	return rec, nil
}

func checkWidth(t report.Table, i int, cells []report.Cell) error {
	if len(cells) > len(t.Columns) {
		return fmt.Errorf("export: table %q row %d has %d cells but %d columns", t.Key, i+1, len(cells), len(t.Columns))
	}
	return nil
}

// cellText is a cell as written to a text format.
func cellText(c report.Cell) string {
	if c.Numeric {
		return c.String()
	}
	return SafeText(c.Text)
}
