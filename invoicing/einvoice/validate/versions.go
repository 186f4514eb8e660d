// Package validate runs the official validation artefacts on an
// e-invoice, for tests. A UBL 2.1 invoice or credit note gets those of
// Peppol BIS Billing 3.0: the OASIS UBL 2.1 schema (with xmllint) and the
// CEN/TC 434 EN 16931 and Peppol BIS 3 Schematron rules, compiled to XSLT
// (with Saxon-HE on a JRE). A CII (UN/CEFACT CrossIndustryInvoice D16B)
// invoice gets the CII schema and the CEN's EN 16931 CII rules (Peppol BIS
// is UBL only). The artefacts are kept unmodified under testdata/peppol
// and testdata/cii, where README.md names each file's source;
// docs/einvoicing-validation.md says how to run them.
package validate

// The versions of the artefacts in testdata/peppol and testdata/cii: this
// is the one place that names them (the README.md of each folder repeats
// them with each file's source, and a test checks that it does).
const (
	// UBLVersion is the OASIS UBL release whose maindoc schemas
	// (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd) check the syntax.
	UBLVersion = "UBL 2.1 (OASIS Standard, 4 November 2013)"

	// EN16931Version is the CEN/TC 434 validation artefacts release
	// (github.com/ConnectingEurope/eInvoicing-EN16931, tag
	// validation-1.3.16), the one the Peppol release below adopts. Both
	// its UBL and its CII rules are run, and the CII schema is the one
	// that release holds.
	EN16931Version = "validation-1.3.16"

	// CIIVersion is the UN/CEFACT Cross Industry Invoice schema EN 16931
	// names for CII, as kept in the CEN release above: D16B, the SCRDM
	// subset, with uncoupled code lists (the CEN's own CII examples point
	// at that one): the code lists are checked by the EN 16931 rules,
	// which follow the EN's current lists, not by the D16A lists of the
	// coupled schema.
	CIIVersion = "UN/CEFACT CII D16B (SCRDM subset, uncoupled code lists)"

	// PeppolRelease and PeppolVersion name the Peppol BIS Billing 3.0
	// release whose Schematron (PEPPOL-EN16931-UBL, with the Dutch NL-R
	// rules) is run. No hotfix of it had been published where the
	// artefacts were taken from, and the November 2026 release could not
	// be had; see testdata/peppol/README.md.
	PeppolRelease = "2026 May release"
	PeppolVersion = "3.0.21"
)

// Files of the artefacts: for UBL relative to testdata/peppol, for CII
// relative to testdata/cii.
const (
	invoiceXSD    = "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"
	creditNoteXSD = "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"
	en16931XSLT   = "en16931/EN16931-UBL-validation.xslt"
	peppolXSLT    = "peppol-bis3/PEPPOL-EN16931-UBL.xslt"

	ciiXSD         = "d16b/CrossIndustryInvoice_100pD16B.xsd"
	ciiEN16931XSLT = "en16931/EN16931-CII-validation.xslt"
)
