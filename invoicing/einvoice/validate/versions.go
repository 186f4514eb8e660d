// Package validate runs the official validation artefacts of Peppol BIS
// Billing 3.0 on a UBL 2.1 invoice or credit note, for tests: the OASIS
// UBL 2.1 schema (with xmllint) and the CEN/TC 434 EN 16931 and Peppol
// BIS 3 Schematron rules, compiled to XSLT (with Saxon-HE on a JRE). The
// artefacts are kept unmodified under testdata/peppol, where README.md
// names each file's source; docs/einvoicing-validation.md says how to run
// them.
package validate

// The versions of the artefacts in testdata/peppol: this is the one place
// that names them (testdata/peppol/README.md repeats them with each file's
// source, and a test checks that it does).
const (
	// UBLVersion is the OASIS UBL release whose maindoc schemas
	// (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd) check the syntax.
	UBLVersion = "UBL 2.1 (OASIS Standard, 4 November 2013)"

	// EN16931Version is the CEN/TC 434 validation artefacts release
	// (github.com/ConnectingEurope/eInvoicing-EN16931, tag
	// validation-1.3.16), the one the Peppol release below adopts.
	EN16931Version = "validation-1.3.16"

	// PeppolRelease and PeppolVersion name the Peppol BIS Billing 3.0
	// release whose Schematron (PEPPOL-EN16931-UBL, with the Dutch NL-R
	// rules) is run. No hotfix of it had been published where the
	// artefacts were taken from, and the November 2026 release could not
	// be had; see testdata/peppol/README.md.
	PeppolRelease = "2026 May release"
	PeppolVersion = "3.0.21"
)

// Files of the artefacts, relative to testdata/peppol.
const (
	invoiceXSD    = "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"
	creditNoteXSD = "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"
	en16931XSLT   = "en16931/EN16931-UBL-validation.xslt"
	peppolXSLT    = "peppol-bis3/PEPPOL-EN16931-UBL.xslt"
)
