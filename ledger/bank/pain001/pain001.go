package pain001

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is a pain.001 schema version.
type Version string

const (
	V09 Version = "pain.001.001.09"
	V03 Version = "pain.001.001.03"
)

// ParseVersion reads a version name; "" is the default, V09.
func ParseVersion(s string) (Version, bool) {
	switch Version(s) {
	case "", V09:
		return V09, true
	case V03:
		return V03, true
	}
	return "", false
}

// Address is a postal address as stored. Only the creditor's is written,
// and only in .09 (see the package comment).
type Address struct {
	Street, BuildingNumber, Postcode, Town, Country string // Country ISO 3166 alpha-2
	// Lines are free address lines as stored; the first one fills StrtNm
	// in .09 when Street is empty.
	Lines []string
}

// Party is a debtor or a creditor.
type Party struct {
	Name    string  // up to 70 characters after SEPAText
	IBAN    string  // upper case, no spaces (Write removes spaces and upper-cases)
	BIC     string  // optional; 8 or 11 characters
	Address Address // optional
}

// Transfer is one credit transfer (CdtTrfTxInf).
type Transfer struct {
	EndToEndID  string // at most 35, SEPA character set; required
	AmountMinor int64  // euro cents, > 0 and at most 999999999.99 euro (EPC)
	Creditor    Party
	// At most one of these two.
	// RemittanceText is unstructured remittance information; it is
	// converted with SEPAText and must then be at most 140 characters (the
	// caller truncates).
	RemittanceText string
	// CreditorReference is a Dutch betalingskenmerk (see
	// ValidPaymentReference), written as a structured reference of type
	// SCOR issued by CUR.
	CreditorReference string
}

// Batch is one file: one group header and one payment information block
// debiting one account on one execution date.
type Batch struct {
	MessageID     string    // at most 35, SEPA character set, unique per debtor; required
	PaymentInfoID string    // at most 35; default MessageID
	CreatedAt     time.Time // CreDtTm; written in UTC, whole seconds, with Z
	ExecutionDate time.Time // ReqdExctnDt; its calendar date as given (not moved to UTC)
	// Debtor is the entity paying: Name and IBAN required, BIC optional
	// (without it the debtor agent is Othr/Id NOTPROVIDED). Its address is
	// not written.
	Debtor        Party
	InitiatorName string // InitgPty/Nm; default Debtor.Name
	BatchBooking  bool   // BtchBookg
	Transfers     []Transfer
}

// Problem is one reason Write refuses a batch, with the path of the field
// in the batch (for example "transfers[3].creditor.iban").
type Problem struct{ Path, Message string }

// Error lists every problem of a batch that Write refused.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pain001: invalid batch: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Path != "" {
			b.WriteString(p.Path)
			b.WriteString(" ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Limits (EPC SCT customer-to-PSP implementation guidelines, and the
// schemas' DecimalNumber: 18 digits of which 2 are cents here).
const (
	maxNameLen       = 70
	maxRemittanceLen = 140
	maxIDLen         = 35
	maxAmountMinor   = 99999999999        // 999999999.99 euro per transfer (EPC)
	maxTotalMinor    = 999999999999999999 // CtrlSum: 18 digits
	notProvided      = "NOTPROVIDED"
	sepaSvcLvl       = "SEPA"
	refIssuerCUR     = "CUR"
	refTypeSCOR      = "SCOR"
	namespacePrefix  = "urn:iso:std:iso:20022:tech:xsd:"
	xmlHeader        = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	isoDateTimeUTC   = "2006-01-02T15:04:05Z"
	isoDate          = "2006-01-02"
	maxStreetLen     = 70
	maxBuildingNbLen = 16
	maxPostcodeLen   = 16
	maxTownLen       = 35
)

// prepared is a batch after validation and conversion: every string is
// what goes into the file.
type prepared struct {
	v                      Version
	msgID, pmtInfID        string
	created, exec          string
	initiator              string
	debtorName, debtorIBAN string
	debtorBIC              string
	debtorAddr             *postalAddress
	batchBooking           bool
	nbOfTxs, ctrlSum       string
	txs                    []preparedTx
	problems               []Problem
}

type preparedTx struct {
	e2e, amount          string
	name, iban, bic      string
	addr                 *postalAddress
	ustrd, creditorRefNL string
}

type postalAddress struct {
	street, building, postcode, town, country string
}

func (p *prepared) add(path, msg string) {
	p.problems = append(p.problems, Problem{Path: path, Message: msg})
}

// Write renders the batch as a pain.001 file of version v ("" is V09). It
// refuses a batch that the schema, the EPC guidelines or the Dutch rules
// would refuse, with an *Error listing every problem found; nothing is
// truncated or invented silently (texts are converted with SEPAText).
// The same input gives the same bytes.
func Write(v Version, b *Batch) ([]byte, error) {
	ver, ok := ParseVersion(string(v))
	if !ok {
		return nil, &Error{Problems: []Problem{{Path: "version", Message: "is not " + string(V09) + " or " + string(V03)}}}
	}
	if b == nil {
		return nil, &Error{Problems: []Problem{{Path: "", Message: "batch is missing"}}}
	}
	p := prepare(ver, b)
	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems}
	}
	return render(p), nil
}

func prepare(v Version, b *Batch) *prepared {
	p := &prepared{v: v, batchBooking: b.BatchBooking}

	p.msgID = b.MessageID
	if m := idProblem(b.MessageID, maxIDLen); m != "" {
		p.add("message_id", m)
	}
	p.pmtInfID = b.PaymentInfoID
	if p.pmtInfID == "" {
		p.pmtInfID = b.MessageID
	} else if m := idProblem(b.PaymentInfoID, maxIDLen); m != "" {
		p.add("payment_info_id", m)
	}
	if b.CreatedAt.IsZero() {
		p.add("created_at", "is required")
	} else {
		p.created = b.CreatedAt.UTC().Format(isoDateTimeUTC)
	}
	if b.ExecutionDate.IsZero() {
		p.add("execution_date", "is required")
	} else {
		p.exec = b.ExecutionDate.Format(isoDate)
	}

	p.debtorName = p.name("debtor.name", b.Debtor.Name)
	p.debtorIBAN = p.iban("debtor.iban", b.Debtor.IBAN)
	p.debtorBIC = p.bic("debtor.bic", b.Debtor.BIC)
	// The payer's address, structured, where town and country are known:
	// the SEPA rulebook asks for it on a transfer to a payee whose bank is
	// outside the EEA (Switzerland, the United Kingdom, ...), and allows
	// it always.
	p.debtorAddr = p.address("debtor.address", &b.Debtor.Address)
	for i := range b.Transfers {
		iban := strings.ToUpper(strings.Join(strings.Fields(b.Transfers[i].Creditor.IBAN), ""))
		if OutsideEEA(iban) && p.debtorAddr == nil {
			p.add("debtor.address", "a transfer to "+iban[:2]+" (a SEPA country outside the EEA) carries the payer's address: give the debtor's town and country")
			break
		}
	}
	if b.InitiatorName == "" {
		p.initiator = p.debtorName
	} else {
		p.initiator = p.name("initiator_name", b.InitiatorName)
	}

	if len(b.Transfers) == 0 {
		p.add("transfers", "has no transfers; a file needs at least one")
	}
	p.txs = make([]preparedTx, len(b.Transfers))
	var total int64
	totalOK := true
	for i := range b.Transfers {
		t := &b.Transfers[i]
		path := "transfers[" + strconv.Itoa(i) + "]"
		tx := &p.txs[i]
		tx.e2e = t.EndToEndID
		if m := idProblem(t.EndToEndID, maxIDLen); m != "" {
			p.add(path+".end_to_end_id", m)
		}
		switch {
		case t.AmountMinor <= 0:
			p.add(path+".amount_minor", "must be more than zero")
			totalOK = false
		case t.AmountMinor > maxAmountMinor:
			p.add(path+".amount_minor", "is more than 999999999.99 euro, the SEPA maximum for one transfer")
			totalOK = false
		default:
			tx.amount = formatMinor(t.AmountMinor)
			if totalOK {
				if total, totalOK = addTotal(total, t.AmountMinor); !totalOK {
					p.add("transfers", "total is more than 9999999999999999.99 euro, the largest control sum")
				}
			}
		}
		tx.name = p.name(path+".creditor.name", t.Creditor.Name)
		tx.iban = p.iban(path+".creditor.iban", t.Creditor.IBAN)
		tx.bic = p.bic(path+".creditor.bic", t.Creditor.BIC)
		if v == V09 {
			tx.addr = p.address(path+".creditor.address", &t.Creditor.Address)
		}
		switch {
		case t.RemittanceText != "" && t.CreditorReference != "":
			p.add(path, "has both remittance_text and creditor_reference; give one")
		case t.CreditorReference != "":
			if ValidPaymentReference(t.CreditorReference) {
				tx.creditorRefNL = t.CreditorReference
			} else {
				p.add(path+".creditor_reference", "is not a valid Dutch payment reference (betalingskenmerk: 7 digits, or 9 to 14 or 16 digits with a correct check digit)")
			}
		case t.RemittanceText != "":
			tx.ustrd = SEPAText(t.RemittanceText)
			if n := utf8.RuneCountInString(tx.ustrd); n > maxRemittanceLen {
				p.add(path+".remittance_text", "is "+strconv.Itoa(n)+" characters after SEPA conversion; at most 140 are allowed")
			} else if n == 0 {
				p.add(path+".remittance_text", "has nothing left in the SEPA character set; give text the payee can read")
			}
		}
	}
	p.nbOfTxs = strconv.Itoa(len(b.Transfers))
	p.ctrlSum = formatMinor(total)
	return p
}

// addTotal adds a positive amount to a running total and reports whether
// the sum still fits the control sum's 18 digits. With the per-transfer
// maximum a file needs more than ten million transfers to get there.
func addTotal(total, amount int64) (int64, bool) {
	if amount < 0 || total > maxTotalMinor-amount {
		return total, false
	}
	return total + amount, true
}

// name converts a party name and checks it: required, at most 70.
func (p *prepared) name(path, s string) string {
	n := SEPAText(s)
	switch {
	case n == "":
		if strings.TrimSpace(s) == "" {
			p.add(path, "is required")
		} else {
			p.add(path, "has no characters left after SEPA conversion")
		}
	case utf8.RuneCountInString(n) > maxNameLen:
		p.add(path, "is "+strconv.Itoa(utf8.RuneCountInString(n))+" characters after SEPA conversion; at most 70 are allowed")
	}
	return n
}

func (p *prepared) iban(path, s string) string {
	n := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	switch {
	case n == "":
		p.add(path, "is required")
	case !validIBAN(n):
		p.add(path, "is not a valid IBAN (shape or check digits)")
	}
	return n
}

func (p *prepared) bic(path, s string) string {
	n := strings.ToUpper(strings.TrimSpace(s))
	if n != "" && !validBIC(p.v, n) {
		p.add(path, "is not a valid BIC (8 or 11 characters: bank, country, location, optional branch)")
	}
	return n
}

// address gives the structured .09 address when town and country are
// known, nil otherwise. It refuses a country that is not two letters and
// parts longer than the schema allows.
func (p *prepared) address(path string, a *Address) *postalAddress {
	country := strings.ToUpper(strings.TrimSpace(a.Country))
	town := SEPAText(a.Town)
	if country == "" || town == "" {
		return nil
	}
	pa := &postalAddress{country: country, town: town}
	if !validCountry(country) {
		p.add(path+".country", "is not an ISO 3166 two-letter country code")
	}
	pa.street = SEPAText(a.Street)
	streetPath := path + ".street"
	if pa.street == "" {
		for i, l := range a.Lines {
			if s := SEPAText(l); s != "" {
				pa.street = s
				streetPath = path + ".lines[" + strconv.Itoa(i) + "]"
				break
			}
		}
	}
	pa.building = SEPAText(a.BuildingNumber)
	pa.postcode = SEPAText(a.Postcode)
	check := func(field, s string, max int) {
		if n := utf8.RuneCountInString(s); n > max {
			p.add(field, "is "+strconv.Itoa(n)+" characters after SEPA conversion; at most "+strconv.Itoa(max)+" are allowed")
		}
	}
	check(streetPath, pa.street, maxStreetLen)
	check(path+".building_number", pa.building, maxBuildingNbLen)
	check(path+".postcode", pa.postcode, maxPostcodeLen)
	check(path+".town", pa.town, maxTownLen)
	return pa
}

// writeAddress writes a structured postal address, if any, in the order
// both PostalAddress24 (.09) and PostalAddress6 (.03) have: StrtNm,
// BldgNb, PstCd, TwnNm, Ctry.
func writeAddress(w *xmlw, a *postalAddress) {
	if a == nil {
		return
	}
	w.open("PstlAdr")
	w.leafOpt("StrtNm", a.street)
	w.leafOpt("BldgNb", a.building)
	w.leafOpt("PstCd", a.postcode)
	w.leaf("TwnNm", a.town)
	w.leaf("Ctry", a.country)
	w.close("PstlAdr")
}

// formatMinor writes cents (>= 0) as euro with two decimals, exactly.
func formatMinor(c int64) string {
	var buf [24]byte
	b := strconv.AppendInt(buf[:0], c/100, 10)
	r := c % 100
	b = append(b, '.', byte('0'+r/10), byte('0'+r%10))
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// xmlw writes indented XML. Texts written through it are escaped; after
// validation they hold only the SEPA set, so only the apostrophe could
// need it, and it does not in element content.
type xmlw struct {
	buf   bytes.Buffer
	depth int
}

func (w *xmlw) indent() {
	for i := 0; i < w.depth; i++ {
		w.buf.WriteString("  ")
	}
}

func (w *xmlw) open(name string) {
	w.indent()
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteString(">\n")
	w.depth++
}

func (w *xmlw) close(name string) {
	w.depth--
	w.indent()
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteString(">\n")
}

func (w *xmlw) leaf(name, text string) {
	w.indent()
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
	escape(&w.buf, text)
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteString(">\n")
}

// leafOpt writes the element only when text is not empty.
func (w *xmlw) leafOpt(name, text string) {
	if text != "" {
		w.leaf(name, text)
	}
}

func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
}

// render writes the file. Element order follows the schemas' sequences:
// GroupHeader85/32, PaymentInstruction30/PaymentInstructionInformation3,
// CreditTransferTransaction34/CreditTransferTransactionInformation10.
func render(p *prepared) []byte {
	w := &xmlw{}
	w.buf.Grow(1024 + len(p.txs)*700)
	w.buf.WriteString(xmlHeader)
	w.buf.WriteString(`<Document xmlns="` + namespacePrefix + string(p.v) + `">` + "\n")
	w.depth = 1
	w.open("CstmrCdtTrfInitn")

	w.open("GrpHdr")
	w.leaf("MsgId", p.msgID)
	w.leaf("CreDtTm", p.created)
	w.leaf("NbOfTxs", p.nbOfTxs)
	w.leaf("CtrlSum", p.ctrlSum)
	w.open("InitgPty")
	w.leaf("Nm", p.initiator)
	w.close("InitgPty")
	w.close("GrpHdr")

	w.open("PmtInf")
	w.leaf("PmtInfId", p.pmtInfID)
	w.leaf("PmtMtd", "TRF")
	w.leaf("BtchBookg", strconv.FormatBool(p.batchBooking))
	w.leaf("NbOfTxs", p.nbOfTxs)
	w.leaf("CtrlSum", p.ctrlSum)
	w.open("PmtTpInf")
	w.open("SvcLvl")
	w.leaf("Cd", sepaSvcLvl)
	w.close("SvcLvl")
	w.close("PmtTpInf")
	if p.v == V09 {
		w.open("ReqdExctnDt")
		w.leaf("Dt", p.exec)
		w.close("ReqdExctnDt")
	} else {
		w.leaf("ReqdExctnDt", p.exec)
	}
	w.open("Dbtr")
	w.leaf("Nm", p.debtorName)
	writeAddress(w, p.debtorAddr)
	w.close("Dbtr")
	account(w, "DbtrAcct", p.debtorIBAN)
	w.open("DbtrAgt")
	w.open("FinInstnId")
	if p.debtorBIC != "" {
		w.leaf(bicElement(p.v), p.debtorBIC)
	} else {
		w.open("Othr")
		w.leaf("Id", notProvided)
		w.close("Othr")
	}
	w.close("FinInstnId")
	w.close("DbtrAgt")
	w.leaf("ChrgBr", "SLEV")

	for i := range p.txs {
		t := &p.txs[i]
		w.open("CdtTrfTxInf")
		w.open("PmtId")
		w.leaf("EndToEndId", t.e2e)
		w.close("PmtId")
		w.open("Amt")
		w.indent()
		w.buf.WriteString(`<InstdAmt Ccy="EUR">`)
		w.buf.WriteString(t.amount)
		w.buf.WriteString("</InstdAmt>\n")
		w.close("Amt")
		if t.bic != "" {
			w.open("CdtrAgt")
			w.open("FinInstnId")
			w.leaf(bicElement(p.v), t.bic)
			w.close("FinInstnId")
			w.close("CdtrAgt")
		}
		w.open("Cdtr")
		w.leaf("Nm", t.name)
		writeAddress(w, t.addr)
		w.close("Cdtr")
		account(w, "CdtrAcct", t.iban)
		switch {
		case t.creditorRefNL != "":
			w.open("RmtInf")
			w.open("Strd")
			w.open("CdtrRefInf")
			w.open("Tp")
			w.open("CdOrPrtry")
			w.leaf("Cd", refTypeSCOR)
			w.close("CdOrPrtry")
			w.leaf("Issr", refIssuerCUR)
			w.close("Tp")
			w.leaf("Ref", t.creditorRefNL)
			w.close("CdtrRefInf")
			w.close("Strd")
			w.close("RmtInf")
		case t.ustrd != "":
			w.open("RmtInf")
			w.leaf("Ustrd", t.ustrd)
			w.close("RmtInf")
		}
		w.close("CdtTrfTxInf")
	}
	w.close("PmtInf")
	w.close("CstmrCdtTrfInitn")
	w.buf.WriteString("</Document>\n")
	return w.buf.Bytes()
}

func bicElement(v Version) string {
	if v == V03 {
		return "BIC"
	}
	return "BICFI"
}

func account(w *xmlw, name, iban string) {
	w.open(name)
	w.open("Id")
	w.leaf("IBAN", iban)
	w.close("Id")
	w.close(name)
}
