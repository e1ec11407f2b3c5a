package web

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/chart"
	"github.com/cradle-org/cradle/internal/report"
)

// TestChartForLeavesOutCrowdedLineCharts: a line chart is drawn for up to
// chart.MaxSeries series, and not for more (the table says it better).
func TestChartForLeavesOutCrowdedLineCharts(t *testing.T) {
	table := func(series int) report.Table {
		tb := report.Table{Key: "t", Title: "Referrals by year and area", Columns: []report.Column{{Key: "month", Label: "Year"}}}
		for i := range series {
			tb.Columns = append(tb.Columns, report.Column{Key: "a" + strconv.Itoa(i), Label: "Area " + strconv.Itoa(i), Numeric: true})
		}
		tb.Columns = append(tb.Columns, report.Column{Key: "total", Label: "Total", Numeric: true})
		for _, year := range []string{"2025", "2026"} {
			row := []report.Cell{report.Label(year)}
			for range series + 1 {
				row = append(row, report.Count(10))
			}
			tb.Rows = append(tb.Rows, row)
		}
		return tb
	}
	line := report.ChartHint{Kind: "line", LabelCol: 0}
	if got := string(chartFor("c", table(chart.MaxSeries), line)); !strings.Contains(got, "<svg") || !strings.Contains(got, "Area "+strconv.Itoa(chart.MaxSeries-1)) {
		t.Errorf("%d series: no chart drawn:\n%.300s", chart.MaxSeries, got)
	}
	if got := chartFor("c", table(chart.MaxSeries+1), line); got != "" {
		t.Errorf("%d series: a chart was drawn (%d bytes)", chart.MaxSeries+1, len(got))
	}
	// A bar chart of one column has one series however many rows it has.
	bar := report.ChartHint{Kind: "bar", LabelCol: 0, ValueCols: []int{1}}
	if got := string(chartFor("c", table(chart.MaxSeries+1), bar)); !strings.Contains(got, "<svg") {
		t.Errorf("bar chart not drawn")
	}
}

// TestTooWideTablesAreDownloadsOnly: a dashboard table with more columns
// than a page can show (a national dashboard's one per area) is offered as
// downloads, with a sentence saying why, and neither drawn nor charted; a
// narrower one is shown as a table.
func TestTooWideTablesAreDownloadsOnly(t *testing.T) {
	table := func(key string, columns int) report.Table {
		tb := report.Table{Key: key, Title: "Table " + key, Caption: "Referrals received.", Columns: []report.Column{{Key: "month", Label: "Year"}}}
		for i := range columns - 1 {
			tb.Columns = append(tb.Columns, report.Column{Key: "a" + strconv.Itoa(i), Label: "Area " + strconv.Itoa(i), Numeric: true})
		}
		row := []report.Cell{report.Label("2026")}
		for range columns - 1 {
			row = append(row, report.Count(10))
		}
		tb.Rows = append(tb.Rows, row)
		return tb
	}
	section := layOutSection(report.Section{Key: "referrals", Heading: "Referrals",
		Tables: []report.Table{table("narrow", maxPageColumns), table("wide", maxPageColumns+1)},
		Charts: []report.ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}, {Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}})
	narrow, wide := section.Tables[0], section.Tables[1]
	if narrow.DownloadOnly || narrow.Chart == "" || !wide.DownloadOnly || wide.Chart != "" {
		t.Fatalf("narrow: download only %v, chart %v; wide: download only %v, chart %v", narrow.DownloadOnly, narrow.Chart != "", wide.DownloadOnly, wide.Chart != "")
	}

	v := testViews(t)
	var b strings.Builder
	if err := v.pages["reports"].Execute(&b, Page{Title: "Reports", Data: dashboardData{Section: &section, Current: "referrals"}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`<table class="govuk-table" id="table-narrow">`, `id="table-wide">Table wide</h3>`,
		"This table has 15 columns, too many to read on this page.", `href="/reports/export/wide.csv"`, `href="/reports/export/wide.xlsx"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, `<table class="govuk-table" id="table-wide">`) {
		t.Error("the wide table was drawn")
	}
}

// TestLongTablesShowTheirLargestRows: a dashboard table with more rows than
// a page shows (a national dashboard's one per area) shows its largest,
// with its total, and says how many there are in the download.
func TestLongTablesShowTheirLargestRows(t *testing.T) {
	var counts []report.KeyCount
	for i := range maxPageRows + 10 {
		counts = append(counts, report.KeyCount{Key: strconv.Itoa(i), Label: "Area " + strconv.Itoa(i), N: 10 + i})
	}
	section := layOutSection(report.Section{Key: "caseloads", Heading: "Caseloads now",
		Tables: []report.Table{report.CountsTable("open-by-area", "Open families by area", "Families open today.", "Area", counts)}})
	tv := section.Tables[0]
	if tv.AllRows != maxPageRows+10 || tv.ShownRows != maxPageRows || len(tv.Rows) != maxPageRows+1 ||
		tv.Rows[0][0].Text != "Area "+strconv.Itoa(maxPageRows+9) || tv.Rows[maxPageRows][0].Text != report.TotalLabel {
		t.Fatalf("all %d, shown %d, %d rows from %q to %q; want the %d largest and the total", tv.AllRows, tv.ShownRows, len(tv.Rows), tv.Rows[0][0].Text, tv.Rows[len(tv.Rows)-1][0].Text, maxPageRows)
	}
	v := testViews(t)
	var b strings.Builder
	if err := v.pages["reports"].Execute(&b, Page{Title: "Reports", Data: dashboardData{Section: &section, Current: "caseloads"}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if want := fmt.Sprintf("Showing the %d of %d rows with the largest numbers.", maxPageRows, maxPageRows+10); !strings.Contains(page, want) || strings.Contains(page, ">Area 0<") {
		t.Errorf("the page lacks %q, or shows the smallest row", want)
	}
	// The note is in the table's caption, after its title and before its
	// rows, so nobody takes the cut-down table for the whole.
	i := strings.Index(page, `<table class="govuk-table" id="table-open-by-area">`)
	if i < 0 {
		t.Fatal("no table open-by-area")
	}
	caption := page[i:]
	caption = caption[:max(strings.Index(caption, "</caption>"), 0)]
	if !strings.Contains(caption, `<caption class="govuk-table__caption govuk-table__caption--s">`) || !strings.Contains(caption, `id="table-open-by-area-shown">Showing the`) {
		t.Errorf("the note is not in the table's caption: %q", caption)
	}

	// A table by period shows its latest periods, oldest first.
	var months []string
	var monthly []report.MonthCount
	for m := range maxPagePeriods + 3 {
		key := time.Date(2025, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		months = append(months, key)
		monthly = append(monthly, report.MonthCount{Month: key, Key: "gp", Label: "GP", N: 10})
	}
	section = layOutSection(report.Section{Key: "referrals-over-time", Heading: "Referrals over time",
		Tables: []report.Table{report.MonthlyTable("referrals-by-month", "Referrals by month and source", "Referrals received.", months, monthly)},
		Charts: []report.ChartHint{{Table: 0, Kind: "line", LabelCol: 0}}})
	tv = section.Tables[0]
	if !tv.ByPeriod || tv.AllRows != maxPagePeriods+3 || len(tv.Rows) != maxPagePeriods || tv.Rows[0][0].Text != report.PeriodLabel(months[3]) ||
		tv.Rows[maxPagePeriods-1][0].Text != report.PeriodLabel(months[len(months)-1]) || tv.Chart == "" || strings.Contains(string(tv.Chart), report.PeriodLabel(months[0])) {
		t.Fatalf("by period %v, all %d, %d rows from %q; want the latest %d, charted as shown", tv.ByPeriod, tv.AllRows, len(tv.Rows), tv.Rows[0][0].Text, maxPagePeriods)
	}
	b.Reset()
	if err := v.pages["reports"].Execute(&b, Page{Title: "Reports", Data: dashboardData{Section: &section, Current: "referrals-over-time"}}); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Showing the latest %d of %d rows.", maxPagePeriods, maxPagePeriods+3); !strings.Contains(b.String(), want) {
		t.Errorf("the page lacks %q", want)
	}
}

// testViews parses the page templates as the server does.
func testViews(t testing.TB) *views {
	t.Helper()
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		t.Fatal(err)
	}
	assets, err := loadAssets(static)
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseViews(assets)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
