package docs

import (
	"errors"

	"github.com/cradle-org/cradle/internal/pdftext"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontfamily"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Text styles. Functions rather than package variables, so nothing shared is
// mutable (maroto fills in defaults on the props it is given).
func titleProp() props.Text { return props.Text{Size: 16, Style: fontstyle.Bold} }
func subtitleProp() props.Text {
	return props.Text{Size: 11, Top: 1}
}
func recipientProp() props.Text {
	return props.Text{Size: 11, Top: 3, Style: fontstyle.Bold}
}
func headingProp() props.Text { return props.Text{Size: 12, Top: 5, Bottom: 1, Style: fontstyle.Bold} }
func lineProp() props.Text    { return props.Text{Size: 10, Top: 1} }
func footerProp() props.Text  { return props.Text{Size: 8, Top: 2} }

// PDF renders the document as an A4 PDF in Helvetica: title, recipient,
// each section heading and its lines (wrapped), and the footer and a page
// number on every page.
//
// Streams are written uncompressed, so the bytes can be searched for text by
// tests and by an auditor checking what a file contains.
//
// maroto's core fonts are cp1252 (Windows-1252) only: "Zoë", "£", "€" and
// typographic quotes and dashes render, but any other character would be
// silently turned into '.' by the PDF library. pdfSafe therefore replaces
// such characters with a visible '?' first. Text output is not affected.
func PDF(d Document) ([]byte, error) {
	return render(d, false)
}

// render exists so a test can prove that text really is unfindable in
// compressed output, i.e. that the uncompressed check means something.
func render(d Document, compress bool) ([]byte, error) {
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithCompression(compress).
		WithDefaultFont(&props.Font{Family: fontfamily.Helvetica, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8}).
		WithTitle(d.Title, true).
		WithCreator("Cradle", false).
		Build()
	m := maroto.New(cfg)

	// The footer is registered before any content so that maroto reserves
	// its space and repeats it on every page.
	if d.Footer != "" {
		if err := m.RegisterFooter(pdftext.Rows(d.Footer, footerProp())...); err != nil {
			return nil, err
		}
	}

	m.AddRows(pdftext.Rows(d.Title, titleProp())...)
	if d.Subtitle != "" {
		m.AddRows(pdftext.Rows(d.Subtitle, subtitleProp())...)
	}
	if d.Recipient != "" {
		m.AddRows(pdftext.Rows("To: "+d.Recipient, recipientProp())...)
	}
	for _, s := range d.Sections {
		m.AddRows(pdftext.Rows(s.Heading, headingProp())...)
		for _, l := range s.Lines {
			m.AddRows(pdftext.Rows(l, lineProp())...)
		}
	}

	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	b := doc.GetBytes()
	if len(b) == 0 {
		return nil, errors.New("docs: PDF renderer returned no bytes")
	}
	return b, nil
}
