package parse

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"backoffice/invoicing/einvoice"
)

// The UBL 2.1 elements EN 16931 maps (Peppol BIS Billing 3.0 syntax
// binding), for an Invoice and a CreditNote alike: where the two differ
// (type code, lines, quantity) both names are listed. Amounts and dates
// are strings here and read by reader, which names the element at fault.

type ublText struct {
	Value  string `xml:",chardata"`
	Scheme string `xml:"schemeID,attr"`
}

type ublAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"currencyID,attr"`
}

type ublQuantity struct {
	Value string `xml:",chardata"`
	Unit  string `xml:"unitCode,attr"`
}

// ublID, ublName and ublCountry are aggregates with one basic component
// that matters. (encoding/xml matches every element of an a>b path
// against the tag's one namespace, so each cac level is a struct.)
type ublID struct {
	ID ublText `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
}

type ublName struct {
	Name string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Name"`
}

type ublCountry struct {
	Code string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 IdentificationCode"`
}

type ublDoc struct {
	CustomizationID    string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CustomizationID"`
	ProfileID          string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ProfileID"`
	ID                 string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
	IssueDate          string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 IssueDate"`
	DueDate            string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 DueDate"`
	InvoiceTypeCode    string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 InvoiceTypeCode"`
	CreditNoteTypeCode string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CreditNoteTypeCode"`
	Notes              []string    `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Note"`
	Currency           string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 DocumentCurrencyCode"`
	TaxCurrency        string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxCurrencyCode"`
	AccountingCost     string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 AccountingCost"`
	BuyerReference     string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 BuyerReference"`
	InvoicePeriod      []ublPeriod `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 InvoicePeriod"`
	OrderReference     struct {
		ID           string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
		SalesOrderID string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 SalesOrderID"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 OrderReference"`
	BillingReference []struct {
		Invoice struct {
			ID        string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
			IssueDate string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 IssueDate"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 InvoiceDocumentReference"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 BillingReference"`
	ContractReference []ublID          `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 ContractDocumentReference"`
	Additional        []ublDocumentRef `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AdditionalDocumentReference"`
	ProjectReference  []ublID          `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 ProjectReference"`
	Supplier          ublParty         `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AccountingSupplierParty>Party"`
	Customer          ublParty         `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AccountingCustomerParty>Party"`
	Payee             *ublParty        `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PayeeParty"`
	Delivery          []struct {
		Date    string      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ActualDeliveryDate"`
		Address *ublAddress `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 DeliveryLocation>Address"`
		Party   struct {
			Name ublName `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PartyName"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 DeliveryParty"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Delivery"`
	PaymentMeans []struct {
		Code      string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PaymentMeansCode"`
		DueDate   string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PaymentDueDate"`
		PaymentID string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PaymentID"`
		Payee     struct {
			ID     string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
			Name   string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Name"`
			Branch ublID  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 FinancialInstitutionBranch"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PayeeFinancialAccount"`
		Mandate struct {
			ID    string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
			Payer ublID  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PayerFinancialAccount"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PaymentMandate"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PaymentMeans"`
	PaymentTerms []struct {
		Note string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Note"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PaymentTerms"`
	Allowances []ublAllowanceCharge `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AllowanceCharge"`
	TaxTotals  []struct {
		TaxAmount ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxAmount"`
		Subtotals []struct {
			TaxableAmount ublAmount      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxableAmount"`
			TaxAmount     ublAmount      `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxAmount"`
			Category      ublTaxCategory `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 TaxCategory"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 TaxSubtotal"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 TaxTotal"`
	Totals struct {
		LineExtension  ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 LineExtensionAmount"`
		TaxExclusive   ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxExclusiveAmount"`
		TaxInclusive   ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxInclusiveAmount"`
		AllowanceTotal ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 AllowanceTotalAmount"`
		ChargeTotal    ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ChargeTotalAmount"`
		Prepaid        ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PrepaidAmount"`
		Rounding       ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PayableRoundingAmount"`
		Payable        ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PayableAmount"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 LegalMonetaryTotal"`
	InvoiceLines    []ublLine `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 InvoiceLine"`
	CreditNoteLines []ublLine `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 CreditNoteLine"`
}

type ublPeriod struct {
	Start string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 StartDate"`
	End   string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 EndDate"`
}

type ublDocumentRef struct {
	ID          string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
	TypeCode    string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 DocumentTypeCode"`
	Description string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 DocumentDescription"`
	Attachment  struct {
		Embedded *struct {
			Value    string `xml:",chardata"`
			MimeCode string `xml:"mimeCode,attr"`
			FileName string `xml:"filename,attr"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 EmbeddedDocumentBinaryObject"`
		External struct {
			URI string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 URI"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 ExternalReference"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Attachment"`
}

type ublAddress struct {
	Street     string     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 StreetName"`
	Additional string     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 AdditionalStreetName"`
	City       string     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CityName"`
	PostalZone string     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PostalZone"`
	Region     string     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CountrySubentity"`
	Country    ublCountry `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Country"`
}

type ublParty struct {
	Endpoint        ublText    `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 EndpointID"`
	Identifications []ublID    `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PartyIdentification"`
	Names           []ublName  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PartyName"`
	Address         ublAddress `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PostalAddress"`
	TaxSchemes      []struct {
		CompanyID string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CompanyID"`
		Scheme    ublID  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 TaxScheme"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PartyTaxScheme"`
	Legal struct {
		Name      string  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 RegistrationName"`
		CompanyID ublText `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CompanyID"`
		Info      string  `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CompanyLegalForm"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 PartyLegalEntity"`
	Contact struct {
		Name  string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Name"`
		Phone string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Telephone"`
		Email string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ElectronicMail"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Contact"`
}

type ublTaxCategory struct {
	ID              string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
	Percent         string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Percent"`
	ExemptionCode   string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxExemptionReasonCode"`
	ExemptionReason string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 TaxExemptionReason"`
}

type ublAllowanceCharge struct {
	ChargeIndicator string           `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ChargeIndicator"`
	ReasonCode      string           `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 AllowanceChargeReasonCode"`
	Reason          string           `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 AllowanceChargeReason"`
	Percent         string           `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 MultiplierFactorNumeric"`
	Amount          ublAmount        `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Amount"`
	BaseAmount      ublAmount        `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 BaseAmount"`
	TaxCategories   []ublTaxCategory `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 TaxCategory"`
}

type ublLine struct {
	ID               string       `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 ID"`
	Note             string       `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Note"`
	InvoicedQuantity *ublQuantity `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 InvoicedQuantity"`
	CreditedQuantity *ublQuantity `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 CreditedQuantity"`
	NetAmount        ublAmount    `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 LineExtensionAmount"`
	Period           *ublPeriod   `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 InvoicePeriod"`
	OrderLineRef     struct {
		LineID string `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 LineID"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 OrderLineReference"`
	Allowances []ublAllowanceCharge `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AllowanceCharge"`
	Item       struct {
		Description   string         `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Description"`
		Name          string         `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Name"`
		BuyerItemID   ublID          `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 BuyersItemIdentification"`
		SellerItemID  ublID          `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 SellersItemIdentification"`
		StandardID    ublID          `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 StandardItemIdentification"`
		OriginCountry ublCountry     `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 OriginCountry"`
		Category      ublTaxCategory `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 ClassifiedTaxCategory"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Item"`
	Price struct {
		Amount       ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 PriceAmount"`
		BaseQuantity string    `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 BaseQuantity"`
		Allowance    *struct {
			Amount     ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 Amount"`
			BaseAmount ublAmount `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2 BaseAmount"`
		} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 AllowanceCharge"`
	} `xml:"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2 Price"`
}

// parseUBL decodes a UBL invoice or credit note that xmlsafe passed.
func parseUBL(decode func(any) error, creditNote bool) (*einvoice.Document, error) {
	var u ublDoc
	if err := decode(&u); err != nil {
		return nil, errorf(KindInvalid, "the UBL document cannot be read: %v", err)
	}
	root, lineName, qtyName := "/Invoice", "cac:InvoiceLine", "cbc:InvoicedQuantity"
	d := &einvoice.Document{Kind: einvoice.KindInvoice, TypeCode: strings.TrimSpace(u.InvoiceTypeCode)}
	lines := u.InvoiceLines
	if creditNote {
		root, lineName, qtyName = "/CreditNote", "cac:CreditNoteLine", "cbc:CreditedQuantity"
		d.Kind, d.TypeCode, lines = einvoice.KindCreditNote, strings.TrimSpace(u.CreditNoteTypeCode), u.CreditNoteLines
	}
	r := &reader{}
	d.Number = r.require(u.ID, root+"/cbc:ID")
	if p := r.date(u.IssueDate, root+"/cbc:IssueDate", true); p != nil {
		d.IssueDate = *p
	}
	d.Currency = r.require(u.Currency, root+"/cbc:DocumentCurrencyCode")
	r.currency = d.Currency
	d.TaxCurrency = strings.TrimSpace(u.TaxCurrency)
	d.DueDate = r.date(u.DueDate, root+"/cbc:DueDate", false)
	d.CustomizationID, d.ProfileID = strings.TrimSpace(u.CustomizationID), strings.TrimSpace(u.ProfileID)
	d.BuyerReference, d.BuyerAccounting = strings.TrimSpace(u.BuyerReference), strings.TrimSpace(u.AccountingCost)
	d.OrderReference, d.SalesOrderRef = strings.TrimSpace(u.OrderReference.ID), strings.TrimSpace(u.OrderReference.SalesOrderID)
	d.ContractRef, d.ProjectRef = firstID(u.ContractReference), firstID(u.ProjectReference)
	var terms []string
	for _, t := range u.PaymentTerms {
		terms = append(terms, t.Note)
	}
	d.PaymentTerms = strings.Join(trimmed(terms), "\n")
	d.Notes = trimmed(u.Notes)
	if len(u.InvoicePeriod) > 0 {
		d.PeriodStart = r.date(u.InvoicePeriod[0].Start, root+"/cac:InvoicePeriod/cbc:StartDate", false)
		d.PeriodEnd = r.date(u.InvoicePeriod[0].End, root+"/cac:InvoicePeriod/cbc:EndDate", false)
	}
	for i, b := range u.BillingReference {
		path := fmt.Sprintf("%s/cac:BillingReference[%d]/cac:InvoiceDocumentReference", root, i+1)
		d.Preceding = append(d.Preceding, einvoice.Reference{
			Number:    r.require(b.Invoice.ID, path+"/cbc:ID"),
			IssueDate: r.date(b.Invoice.IssueDate, path+"/cbc:IssueDate", false),
		})
	}
	d.Seller, d.Buyer = u.Supplier.party(), u.Customer.party()
	if u.Payee != nil {
		p := u.Payee.party()
		d.Payee = &p
	}
	if len(u.Delivery) > 0 {
		del := u.Delivery[0]
		d.Delivery = &einvoice.Delivery{Date: r.date(del.Date, root+"/cac:Delivery/cbc:ActualDeliveryDate", false),
			Name: strings.TrimSpace(del.Party.Name.Name)}
		if del.Address != nil {
			a := del.Address.address()
			d.Delivery.Address = &a
		}
	}
	for i, pm := range u.PaymentMeans {
		means := einvoice.PaymentMeans{Code: strings.TrimSpace(pm.Code), PaymentID: strings.TrimSpace(pm.PaymentID),
			IBAN: strings.TrimSpace(pm.Payee.ID), AccountName: strings.TrimSpace(pm.Payee.Name),
			BIC: strings.TrimSpace(pm.Payee.Branch.ID.Value), MandateID: strings.TrimSpace(pm.Mandate.ID),
			DebitedIBAN: strings.TrimSpace(pm.Mandate.Payer.ID.Value)}
		if means.MandateID != "" { // BT-90 is the payee's identifier with scheme SEPA, else the seller's
			if u.Payee != nil {
				means.CreditorID = schemeID(u.Payee.Identifications, "SEPA")
			}
			if means.CreditorID == "" {
				means.CreditorID = schemeID(u.Supplier.Identifications, "SEPA")
			}
		}
		d.PaymentMeans = append(d.PaymentMeans, means)
		if d.DueDate == nil { // a credit note has its due date here
			d.DueDate = r.date(pm.DueDate, fmt.Sprintf("%s/cac:PaymentMeans[%d]/cbc:PaymentDueDate", root, i+1), false)
		}
	}
	for i, a := range u.Allowances {
		d.Allowances = append(d.Allowances, r.ublAllowance(a, fmt.Sprintf("%s/cac:AllowanceCharge[%d]", root, i+1), true))
	}
	r.ublTaxTotals(d, &u, root)
	t, tp := u.Totals, root+"/cac:LegalMonetaryTotal/"
	d.Totals.LineTotal = r.amount(t.LineExtension, tp+"cbc:LineExtensionAmount", true)
	d.Totals.TaxExclusive = r.amount(t.TaxExclusive, tp+"cbc:TaxExclusiveAmount", true)
	d.Totals.TaxInclusive = r.amount(t.TaxInclusive, tp+"cbc:TaxInclusiveAmount", true)
	d.Totals.AllowanceTotal = r.amount(t.AllowanceTotal, tp+"cbc:AllowanceTotalAmount", false)
	d.Totals.ChargeTotal = r.amount(t.ChargeTotal, tp+"cbc:ChargeTotalAmount", false)
	d.Totals.Prepaid = r.amount(t.Prepaid, tp+"cbc:PrepaidAmount", false)
	d.Totals.Rounding = r.amount(t.Rounding, tp+"cbc:PayableRoundingAmount", false)
	d.Totals.Payable = r.amount(t.Payable, tp+"cbc:PayableAmount", true)
	for i, l := range lines {
		d.Lines = append(d.Lines, r.ublLine(l, fmt.Sprintf("%s/%s[%d]", root, lineName, i+1), qtyName))
	}
	for i, a := range u.Additional {
		tc := strings.TrimSpace(a.TypeCode)
		if tc == "130" { // an invoiced object identifier (BT-18), not a document
			continue
		}
		// A CreditNote has no ProjectReference: Peppol carries the
		// project reference (BT-11) as a document reference of type 50
		// (read as an attachment named by it before the round trip of
		// the fuzz targets found it).
		if tc == "50" && creditNote && d.ProjectRef == "" {
			d.ProjectRef = strings.TrimSpace(a.ID)
			continue
		}
		att := einvoice.Attachment{ID: strings.TrimSpace(a.ID), Description: strings.TrimSpace(a.Description), URI: strings.TrimSpace(a.Attachment.External.URI)}
		if e := a.Attachment.Embedded; e != nil {
			att.MimeCode, att.FileName = strings.TrimSpace(e.MimeCode), strings.TrimSpace(e.FileName)
			att.Data = r.binary(e.Value, fmt.Sprintf("%s/cac:AdditionalDocumentReference[%d]/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", root, i+1))
		}
		d.Attachments = append(d.Attachments, att)
	}
	if r.err != nil {
		return nil, r.err
	}
	return d, nil
}

// ublTaxTotals reads the VAT total in the document currency with its
// breakdown, and the one in the tax currency (BT-111) told apart by its
// currency.
func (r *reader) ublTaxTotals(d *einvoice.Document, u *ublDoc, root string) {
	seen := false
	for i, tt := range u.TaxTotals {
		path := fmt.Sprintf("%s/cac:TaxTotal[%d]", root, i+1)
		cur := strings.TrimSpace(tt.TaxAmount.Currency)
		if d.TaxCurrency != "" && d.TaxCurrency != d.Currency && cur == d.TaxCurrency {
			d.Totals.TaxTotalInTaxCurrency = r.dec(tt.TaxAmount.Value, path+"/cbc:TaxAmount", true)
			continue
		}
		if seen {
			r.fail(path, "a second VAT total in the document currency %s", d.Currency)
			return
		}
		seen = true
		d.Totals.TaxTotal = r.amount(tt.TaxAmount, path+"/cbc:TaxAmount", true)
		for j, s := range tt.Subtotals {
			sp := fmt.Sprintf("%s/cac:TaxSubtotal[%d]", path, j+1)
			d.VAT = append(d.VAT, einvoice.VATBreakdown{
				Category:        r.require(s.Category.ID, sp+"/cac:TaxCategory/cbc:ID"),
				Rate:            r.dec(s.Category.Percent, sp+"/cac:TaxCategory/cbc:Percent", false),
				TaxableAmount:   r.amount(s.TaxableAmount, sp+"/cbc:TaxableAmount", true),
				TaxAmount:       r.amount(s.TaxAmount, sp+"/cbc:TaxAmount", true),
				ExemptionReason: strings.TrimSpace(s.Category.ExemptionReason),
				ExemptionCode:   strings.TrimSpace(s.Category.ExemptionCode),
			})
		}
	}
}

// amount reads a UBL amount, whose currencyID must be the document's
// currency (BR-CL-03 aside, an amount in another currency would be booked
// as if it were in the document's); the VAT total in the tax currency
// (BT-111) is read apart.
func (r *reader) amount(a ublAmount, path string, required bool) decimal.Decimal {
	if c := strings.TrimSpace(a.Currency); strings.TrimSpace(a.Value) != "" && c != r.currency {
		r.fail(path, "the amount is in %q, but the document is in %s (cbc:DocumentCurrencyCode)", truncate(c), r.currency)
	}
	return r.dec(a.Value, path, required)
}

func (r *reader) ublAllowance(a ublAllowanceCharge, path string, document bool) einvoice.AllowanceCharge {
	ac := einvoice.AllowanceCharge{
		Amount:     r.amount(a.Amount, path+"/cbc:Amount", true),
		BaseAmount: r.amount(a.BaseAmount, path+"/cbc:BaseAmount", false),
		Percent:    r.dec(a.Percent, path+"/cbc:MultiplierFactorNumeric", false),
		Reason:     strings.TrimSpace(a.Reason),
		ReasonCode: strings.TrimSpace(a.ReasonCode),
	}
	ac.Charge = r.indicator(a.ChargeIndicator, path+"/cbc:ChargeIndicator")
	if document && len(a.TaxCategories) > 0 {
		ac.VATCategory = strings.TrimSpace(a.TaxCategories[0].ID)
		ac.VATRate = r.dec(a.TaxCategories[0].Percent, path+"/cac:TaxCategory/cbc:Percent", false)
	}
	return ac
}

// indicator reads an xsd:boolean charge indicator.
func (r *reader) indicator(s, path string) bool {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	r.fail(path, "%q is not true or false", truncate(s))
	return false
}

func (r *reader) ublLine(l ublLine, path, qtyName string) einvoice.Line {
	q := l.InvoicedQuantity
	if q == nil {
		q = l.CreditedQuantity
	}
	if q == nil {
		q = &ublQuantity{}
	}
	line := einvoice.Line{
		ID:            r.require(l.ID, path+"/cbc:ID"),
		Note:          strings.TrimSpace(l.Note),
		Quantity:      r.dec(q.Value, path+"/"+qtyName, true),
		UnitCode:      strings.TrimSpace(q.Unit),
		NetAmount:     r.amount(l.NetAmount, path+"/cbc:LineExtensionAmount", true),
		OrderLineRef:  strings.TrimSpace(l.OrderLineRef.LineID),
		Name:          strings.TrimSpace(l.Item.Name),
		Description:   strings.TrimSpace(l.Item.Description),
		SellerItemID:  strings.TrimSpace(l.Item.SellerItemID.ID.Value),
		BuyerItemID:   strings.TrimSpace(l.Item.BuyerItemID.ID.Value),
		StandardID:    l.Item.StandardID.identifier(),
		OriginCountry: strings.TrimSpace(l.Item.OriginCountry.Code),
		Price:         r.amount(l.Price.Amount, path+"/cac:Price/cbc:PriceAmount", true),
		BaseQuantity:  r.dec(l.Price.BaseQuantity, path+"/cac:Price/cbc:BaseQuantity", false),
		VATCategory:   strings.TrimSpace(l.Item.Category.ID),
		VATRate:       r.dec(l.Item.Category.Percent, path+"/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", false),
	}
	if l.Period != nil {
		line.Period[0] = r.date(l.Period.Start, path+"/cac:InvoicePeriod/cbc:StartDate", false)
		line.Period[1] = r.date(l.Period.End, path+"/cac:InvoicePeriod/cbc:EndDate", false)
	}
	if pa := l.Price.Allowance; pa != nil {
		line.PriceDiscount = r.amount(pa.Amount, path+"/cac:Price/cac:AllowanceCharge/cbc:Amount", false)
		line.GrossPrice = r.amount(pa.BaseAmount, path+"/cac:Price/cac:AllowanceCharge/cbc:BaseAmount", false)
	}
	for i, a := range l.Allowances {
		line.Allowances = append(line.Allowances, r.ublAllowance(a, fmt.Sprintf("%s/cac:AllowanceCharge[%d]", path, i+1), false))
	}
	return line
}

func (p ublParty) party() einvoice.Party {
	out := einvoice.Party{
		Name:           strings.TrimSpace(p.Legal.Name),
		TradingName:    firstName(p.Names),
		EndpointScheme: strings.TrimSpace(p.Endpoint.Scheme),
		EndpointID:     strings.TrimSpace(p.Endpoint.Value),
		LegalID:        strings.TrimSpace(p.Legal.CompanyID.Value),
		LegalScheme:    strings.TrimSpace(p.Legal.CompanyID.Scheme),
		LegalInfo:      strings.TrimSpace(p.Legal.Info),
		Address:        p.Address.address(),
		Contact: einvoice.Contact{Name: strings.TrimSpace(p.Contact.Name), Phone: strings.TrimSpace(p.Contact.Phone),
			Email: strings.TrimSpace(p.Contact.Email)},
	}
	if out.Name == "" { // a payee has only a PartyName
		out.Name = out.TradingName
	}
	for _, id := range p.Identifications {
		out.Identifiers = append(out.Identifiers, id.identifier())
	}
	for _, ts := range p.TaxSchemes {
		if strings.TrimSpace(ts.Scheme.ID.Value) == "VAT" {
			out.VATNumber = strings.TrimSpace(ts.CompanyID)
		} else {
			out.TaxNumber = strings.TrimSpace(ts.CompanyID)
		}
	}
	return out
}

func (a ublAddress) address() einvoice.Address {
	return einvoice.Address{Street: strings.TrimSpace(a.Street), Additional: strings.TrimSpace(a.Additional),
		City: strings.TrimSpace(a.City), PostalZone: strings.TrimSpace(a.PostalZone),
		Region: strings.TrimSpace(a.Region), Country: strings.TrimSpace(a.Country.Code)}
}

func (id ublID) identifier() einvoice.Identifier {
	return einvoice.Identifier{ID: strings.TrimSpace(id.ID.Value), Scheme: strings.TrimSpace(id.ID.Scheme)}
}

func schemeID(ids []ublID, scheme string) string {
	for _, id := range ids {
		if strings.TrimSpace(id.ID.Scheme) == scheme {
			return strings.TrimSpace(id.ID.Value)
		}
	}
	return ""
}

// firstID and firstName are the first non-empty value, trimmed.
func firstID(ids []ublID) string {
	for _, id := range ids {
		if s := strings.TrimSpace(id.ID.Value); s != "" {
			return s
		}
	}
	return ""
}

func firstName(names []ublName) string {
	for _, n := range names {
		if s := strings.TrimSpace(n.Name); s != "" {
			return s
		}
	}
	return ""
}

// trimmed is ss trimmed, without the empty ones.
func trimmed(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// trimAll trims strings in place.
func trimAll(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}
