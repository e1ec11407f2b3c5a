// Package export writes report tables to the files managers and funders
// download: CSV, XLSX and a PDF funder report.
//
// It is for aggregates only. Its input is report.Table, whose cells are
// counts, derived figures and category labels that the store and the report
// package have already computed and suppressed (report.MinCount); nothing in
// this package looks up, receives or writes a person's name or record. The
// pseudonymised person-level extract for evaluators lives in package research,
// which uses SafeText from here.
//
// Every text cell written to a spreadsheet format passes through SafeText, so
// that a label such as "=HYPERLINK(...)" typed into a category somewhere can
// never run as a formula when the file is opened (OWASP "CSV injection").
package export
