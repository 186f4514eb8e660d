package receive

import "backoffice/invoicing/einvoice"

// checkDocument is the document's own check of its figures (EN 16931
// business rules): a document whose figures do not add up is not booked
// from, so its findings are errors, but for the advisory ones below.
func checkDocument(d *einvoice.Document) []Finding {
	var out []Finding
	for _, f := range d.Check() {
		sev := SeverityError
		if advisory[f.Rule] {
			sev = SeverityWarning
		}
		out = append(out, Finding{Rule: f.Rule, Path: f.Path, Message: f.Message, Severity: sev})
	}
	return out
}

// advisory are the rules whose breach leaves the booked figures whole: the
// lines' net amounts and the VAT as printed are what is booked, so a price
// that does not multiply out to its line (PEPPOL-EN16931-R120) or a VAT
// amount rounded otherwise than on the category's total (BR-CO-17, which
// the purchase VAT tolerance judges again) is worth a look, not a refusal.
var advisory = map[string]bool{"BR-CO-17": true, "PEPPOL-EN16931-R120": true}
