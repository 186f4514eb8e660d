package parse

import (
	"fmt"
	"strings"

	"backoffice/invoicing/einvoice"
)

// The UN/CEFACT CII D16B elements EN 16931 maps, as Factur-X, ZUGFeRD 2.x
// and XRechnung write them. encoding/xml matches every element of an a>b
// path in a tag against the tag's one namespace, so where the namespace
// changes (a ram element holding a udt one) the level is a struct.

type ciiText struct {
	Value  string `xml:",chardata"`
	Scheme string `xml:"schemeID,attr"`
}

type ciiAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"currencyID,attr"`
}

type ciiQuantity struct {
	Value string `xml:",chardata"`
	Unit  string `xml:"unitCode,attr"`
}

type ciiDate struct {
	Value  string `xml:",chardata"`
	Format string `xml:"format,attr"`
}

// ciiDateTime is a ram date element holding a udt:DateTimeString.
type ciiDateTime struct {
	S ciiDate `xml:"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100 DateTimeString"`
}

type ciiDoc struct {
	Context struct {
		ProfileID       string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BusinessProcessSpecifiedDocumentContextParameter>ID"`
		CustomizationID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GuidelineSpecifiedDocumentContextParameter>ID"`
	} `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 ExchangedDocumentContext"`
	Header struct {
		ID        string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
		TypeCode  string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TypeCode"`
		IssueDate ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IssueDateTime"`
		Notes     []string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IncludedNote>Content"`
	} `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 ExchangedDocument"`
	Transaction struct {
		Lines     []ciiLine `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IncludedSupplyChainTradeLineItem"`
		Agreement struct {
			BuyerReference string           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerReference"`
			Seller         ciiParty         `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SellerTradeParty"`
			Buyer          ciiParty         `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerTradeParty"`
			SalesOrder     string           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SellerOrderReferencedDocument>IssuerAssignedID"`
			Order          string           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerOrderReferencedDocument>IssuerAssignedID"`
			Contract       string           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ContractReferencedDocument>IssuerAssignedID"`
			Additional     []ciiDocumentRef `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AdditionalReferencedDocument"`
			Project        string           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedProcuringProject>ID"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableHeaderTradeAgreement"`
		Delivery struct {
			ShipTo *ciiParty `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ShipToTradeParty"`
			Event  struct {
				Date ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 OccurrenceDateTime"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ActualDeliverySupplyChainEvent"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableHeaderTradeDelivery"`
		Settlement struct {
			CreditorID       string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CreditorReferenceID"`
			PaymentReference string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PaymentReference"`
			TaxCurrency      string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxCurrencyCode"`
			Currency         string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 InvoiceCurrencyCode"`
			Payee            *ciiParty `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeeTradeParty"`
			PaymentMeans     []struct {
				TypeCode    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TypeCode"`
				DebitedIBAN string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayerPartyDebtorFinancialAccount>IBANID"`
				IBAN        string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeePartyCreditorFinancialAccount>IBANID"`
				Proprietary string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeePartyCreditorFinancialAccount>ProprietaryID"`
				AccountName string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeePartyCreditorFinancialAccount>AccountName"`
				BIC         string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeeSpecifiedCreditorFinancialInstitution>BICID"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementPaymentMeans"`
			Taxes  []ciiTax `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableTradeTax"`
			Period *struct {
				Start ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 StartDateTime"`
				End   ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 EndDateTime"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BillingSpecifiedPeriod"`
			Allowances []ciiAllowanceCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeAllowanceCharge"`
			Terms      []struct {
				Description string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Description"`
				DueDate     ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DueDateDateTime"`
				MandateID   string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DirectDebitMandateID"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradePaymentTerms"`
			Totals struct {
				LineTotal      string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineTotalAmount"`
				ChargeTotal    string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeTotalAmount"`
				AllowanceTotal string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AllowanceTotalAmount"`
				TaxBasisTotal  string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxBasisTotalAmount"`
				TaxTotals      []ciiAmount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxTotalAmount"`
				Rounding       string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 RoundingAmount"`
				GrandTotal     string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GrandTotalAmount"`
				Prepaid        string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TotalPrepaidAmount"`
				DuePayable     string      `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DuePayableAmount"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementHeaderMonetarySummation"`
			Preceding []struct {
				ID        string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IssuerAssignedID"`
				IssueDate struct {
					S ciiDate `xml:"urn:un:unece:uncefact:data:standard:QualifiedDataType:100 DateTimeString"`
				} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 FormattedIssueDateTime"`
			} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 InvoiceReferencedDocument"`
			BuyerAccounting string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ReceivableSpecifiedTradeAccountingAccount>ID"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableHeaderTradeSettlement"`
	} `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 SupplyChainTradeTransaction"`
}

type ciiDocumentRef struct {
	ID       string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IssuerAssignedID"`
	URI      string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 URIID"`
	TypeCode string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TypeCode"`
	Name     string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Name"`
	Binary   *struct {
		Value    string `xml:",chardata"`
		MimeCode string `xml:"mimeCode,attr"`
		FileName string `xml:"filename,attr"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AttachmentBinaryObject"`
}

type ciiAddress struct {
	PostalZone string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PostcodeCode"`
	LineOne    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineOne"`
	LineTwo    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineTwo"`
	LineThree  string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineThree"`
	City       string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CityName"`
	Country    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CountryID"`
	Region     string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CountrySubDivisionName"`
}

type ciiParty struct {
	IDs       []ciiText `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
	GlobalIDs []ciiText `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GlobalID"`
	Name      string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Name"`
	Info      string    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Description"`
	Legal     struct {
		ID          ciiText `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
		TradingName string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TradingBusinessName"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLegalOrganization"`
	Contact struct {
		Name  string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PersonName"`
		Phone string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TelephoneUniversalCommunication>CompleteNumber"`
		Email string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 EmailURIUniversalCommunication>URIID"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DefinedTradeContact"`
	Address  ciiAddress `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PostalTradeAddress"`
	Endpoint ciiText    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 URIUniversalCommunication>URIID"`
	TaxRegs  []ciiText  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTaxRegistration>ID"`
}

type ciiTax struct {
	CalculatedAmount string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CalculatedAmount"`
	TypeCode         string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TypeCode"`
	ExemptionReason  string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ExemptionReason"`
	BasisAmount      string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BasisAmount"`
	CategoryCode     string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CategoryCode"`
	ExemptionCode    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ExemptionReasonCode"`
	Rate             string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 RateApplicablePercent"`
}

type ciiAllowanceCharge struct {
	Indicator struct {
		V string `xml:"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100 Indicator"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeIndicator"`
	Percent    string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CalculationPercent"`
	BasisAmont string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BasisAmount"`
	Amount     string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ActualAmount"`
	ReasonCode string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ReasonCode"`
	Reason     string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Reason"`
	Tax        *ciiTax `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CategoryTradeTax"`
}

type ciiLine struct {
	LineID  string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AssociatedDocumentLineDocument>LineID"`
	Note    string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AssociatedDocumentLineDocument>IncludedNote>Content"`
	Product struct {
		GlobalID      ciiText `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GlobalID"`
		SellerID      string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SellerAssignedID"`
		BuyerID       string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerAssignedID"`
		Name          string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Name"`
		Description   string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Description"`
		OriginCountry string  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 OriginTradeCountry>ID"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeProduct"`
	Agreement struct {
		OrderLineRef string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerOrderReferencedDocument>LineID"`
		Gross        *struct {
			Amount     string               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeAmount"`
			Allowances []ciiAllowanceCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AppliedTradeAllowanceCharge"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GrossPriceProductTradePrice"`
		Net struct {
			Amount       string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeAmount"`
			BaseQuantity string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BasisQuantity"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 NetPriceProductTradePrice"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeAgreement"`
	Quantity   ciiQuantity `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeDelivery>BilledQuantity"`
	Settlement struct {
		Tax    ciiTax `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableTradeTax"`
		Period *struct {
			Start ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 StartDateTime"`
			End   ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 EndDateTime"`
		} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BillingSpecifiedPeriod"`
		Allowances []ciiAllowanceCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeAllowanceCharge"`
		LineTotal  string               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementLineMonetarySummation>LineTotalAmount"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeSettlement"`
}

const (
	ciiHeader = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/"
	ciiTrade  = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
	ciiSettle = ciiTrade + "ram:ApplicableHeaderTradeSettlement/"
)

// parseCII decodes a cross industry invoice that xmlsafe passed.
func parseCII(decode func(any) error) (*einvoice.Document, error) {
	var c ciiDoc
	if err := decode(&c); err != nil {
		return nil, errorf(KindInvalid, "the CII document cannot be read: %v", err)
	}
	r := &reader{}
	h, ag, st := c.Header, c.Transaction.Agreement, c.Transaction.Settlement
	d := &einvoice.Document{Kind: einvoice.KindInvoice, TypeCode: strings.TrimSpace(h.TypeCode)}
	if creditNoteTypes[d.TypeCode] {
		d.Kind = einvoice.KindCreditNote
	}
	d.Number = r.require(h.ID, ciiHeader+"ram:ID")
	if p := r.date102(h.IssueDate.S.Value, h.IssueDate.S.Format, ciiHeader+"ram:IssueDateTime/udt:DateTimeString", true); p != nil {
		d.IssueDate = *p
	}
	d.Currency = r.require(st.Currency, ciiSettle+"ram:InvoiceCurrencyCode")
	d.TaxCurrency = strings.TrimSpace(st.TaxCurrency)
	d.ProfileID, d.CustomizationID = strings.TrimSpace(c.Context.ProfileID), strings.TrimSpace(c.Context.CustomizationID)
	d.Notes = trimmed(h.Notes)
	d.BuyerReference = strings.TrimSpace(ag.BuyerReference)
	d.OrderReference, d.SalesOrderRef = strings.TrimSpace(ag.Order), strings.TrimSpace(ag.SalesOrder)
	d.ContractRef, d.ProjectRef = strings.TrimSpace(ag.Contract), strings.TrimSpace(ag.Project)
	d.BuyerAccounting = strings.TrimSpace(st.BuyerAccounting)
	d.Seller, d.Buyer = ag.Seller.party(), ag.Buyer.party()
	if st.Payee != nil {
		p := st.Payee.party()
		d.Payee = &p
	}
	del := c.Transaction.Delivery
	if date := r.date102(del.Event.Date.S.Value, del.Event.Date.S.Format, ciiTrade+"ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString", false); date != nil || del.ShipTo != nil {
		d.Delivery = &einvoice.Delivery{Date: date}
		if del.ShipTo != nil {
			d.Delivery.Name = strings.TrimSpace(del.ShipTo.Name)
			a := del.ShipTo.Address.address()
			d.Delivery.Address = &a
		}
	}
	if p := st.Period; p != nil {
		d.PeriodStart = r.date102(p.Start.S.Value, p.Start.S.Format, ciiSettle+"ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString", false)
		d.PeriodEnd = r.date102(p.End.S.Value, p.End.S.Format, ciiSettle+"ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString", false)
	}
	var terms []string
	mandate := ""
	for i, t := range st.Terms {
		terms = append(terms, t.Description)
		if d.DueDate == nil {
			d.DueDate = r.date102(t.DueDate.S.Value, t.DueDate.S.Format, fmt.Sprintf("%sram:SpecifiedTradePaymentTerms[%d]/ram:DueDateDateTime/udt:DateTimeString", ciiSettle, i+1), false)
		}
		if mandate == "" {
			mandate = strings.TrimSpace(t.MandateID)
		}
	}
	d.PaymentTerms = strings.Join(trimmed(terms), "\n")
	for _, pm := range st.PaymentMeans {
		trimAll(&pm.TypeCode, &pm.IBAN, &pm.Proprietary, &pm.AccountName, &pm.BIC, &pm.DebitedIBAN)
		means := einvoice.PaymentMeans{Code: pm.TypeCode, PaymentID: strings.TrimSpace(st.PaymentReference), IBAN: pm.IBAN,
			AccountName: pm.AccountName, BIC: pm.BIC, DebitedIBAN: pm.DebitedIBAN}
		if means.IBAN == "" { // BT-84 may be a proprietary account number
			means.IBAN = pm.Proprietary
		}
		if pm.DebitedIBAN != "" || mandate != "" {
			means.MandateID, means.CreditorID = mandate, strings.TrimSpace(st.CreditorID)
		}
		d.PaymentMeans = append(d.PaymentMeans, means)
	}
	for i, a := range st.Allowances {
		d.Allowances = append(d.Allowances, r.ciiAllowance(a, fmt.Sprintf("%sram:SpecifiedTradeAllowanceCharge[%d]", ciiSettle, i+1), true))
	}
	for i, t := range st.Taxes {
		p := fmt.Sprintf("%sram:ApplicableTradeTax[%d]/", ciiSettle, i+1)
		d.VAT = append(d.VAT, einvoice.VATBreakdown{
			Category:        r.require(t.CategoryCode, p+"ram:CategoryCode"),
			Rate:            r.dec(t.Rate, p+"ram:RateApplicablePercent", false),
			TaxableAmount:   r.dec(t.BasisAmount, p+"ram:BasisAmount", true),
			TaxAmount:       r.dec(t.CalculatedAmount, p+"ram:CalculatedAmount", true),
			ExemptionReason: strings.TrimSpace(t.ExemptionReason),
			ExemptionCode:   strings.TrimSpace(t.ExemptionCode),
		})
	}
	r.ciiTotals(d, st.Totals.TaxTotals)
	tot, tp := st.Totals, ciiSettle+"ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
	d.Totals.LineTotal = r.dec(tot.LineTotal, tp+"ram:LineTotalAmount", true)
	d.Totals.ChargeTotal = r.dec(tot.ChargeTotal, tp+"ram:ChargeTotalAmount", false)
	d.Totals.AllowanceTotal = r.dec(tot.AllowanceTotal, tp+"ram:AllowanceTotalAmount", false)
	d.Totals.TaxExclusive = r.dec(tot.TaxBasisTotal, tp+"ram:TaxBasisTotalAmount", true)
	d.Totals.Rounding = r.dec(tot.Rounding, tp+"ram:RoundingAmount", false)
	d.Totals.TaxInclusive = r.dec(tot.GrandTotal, tp+"ram:GrandTotalAmount", true)
	d.Totals.Prepaid = r.dec(tot.Prepaid, tp+"ram:TotalPrepaidAmount", false)
	d.Totals.Payable = r.dec(tot.DuePayable, tp+"ram:DuePayableAmount", true)
	for i, p := range st.Preceding {
		path := fmt.Sprintf("%sram:InvoiceReferencedDocument[%d]/", ciiSettle, i+1)
		d.Preceding = append(d.Preceding, einvoice.Reference{Number: r.require(p.ID, path+"ram:IssuerAssignedID"),
			IssueDate: r.date102(p.IssueDate.S.Value, p.IssueDate.S.Format, path+"ram:FormattedIssueDateTime/qdt:DateTimeString", false)})
	}
	for i, l := range c.Transaction.Lines {
		d.Lines = append(d.Lines, r.ciiLine(l, fmt.Sprintf("%sram:IncludedSupplyChainTradeLineItem[%d]/", ciiTrade, i+1)))
	}
	for i, a := range ag.Additional {
		// Type 916 is a supporting document (BG-24); 50 a tender or lot
		// reference (BT-17) and 130 an invoiced object (BT-18), which are
		// references rather than documents.
		if tc := strings.TrimSpace(a.TypeCode); tc == "50" || tc == "130" {
			continue
		}
		att := einvoice.Attachment{ID: strings.TrimSpace(a.ID), Description: strings.TrimSpace(a.Name), URI: strings.TrimSpace(a.URI)}
		if a.Binary != nil {
			att.MimeCode, att.FileName = strings.TrimSpace(a.Binary.MimeCode), strings.TrimSpace(a.Binary.FileName)
			att.Data = r.binary(a.Binary.Value, fmt.Sprintf("%sram:ApplicableHeaderTradeAgreement/ram:AdditionalReferencedDocument[%d]/ram:AttachmentBinaryObject", ciiTrade, i+1))
		}
		d.Attachments = append(d.Attachments, att)
	}
	if r.err != nil {
		return nil, r.err
	}
	return d, nil
}

// ciiTotals reads TaxTotalAmount, which comes once in the invoice currency
// (BT-110) and once more in the tax currency (BT-111) when that differs;
// the currencyID tells them apart.
func (r *reader) ciiTotals(d *einvoice.Document, totals []ciiAmount) {
	path := ciiSettle + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
	for i, t := range totals {
		cur := strings.TrimSpace(t.Currency)
		p := fmt.Sprintf("%s[%d]", path, i+1)
		if d.TaxCurrency != "" && d.TaxCurrency != d.Currency && cur == d.TaxCurrency {
			d.Totals.TaxTotalInTaxCurrency = r.dec(t.Value, p, true)
		} else {
			d.Totals.TaxTotal = r.dec(t.Value, p, true)
		}
	}
}

func (r *reader) ciiAllowance(a ciiAllowanceCharge, path string, document bool) einvoice.AllowanceCharge {
	ac := einvoice.AllowanceCharge{
		Charge:     r.indicator(a.Indicator.V, path+"/ram:ChargeIndicator/udt:Indicator"),
		Amount:     r.dec(a.Amount, path+"/ram:ActualAmount", true),
		BaseAmount: r.dec(a.BasisAmont, path+"/ram:BasisAmount", false),
		Percent:    r.dec(a.Percent, path+"/ram:CalculationPercent", false),
		Reason:     strings.TrimSpace(a.Reason),
		ReasonCode: strings.TrimSpace(a.ReasonCode),
	}
	if document && a.Tax != nil {
		ac.VATCategory = strings.TrimSpace(a.Tax.CategoryCode)
		ac.VATRate = r.dec(a.Tax.Rate, path+"/ram:CategoryTradeTax/ram:RateApplicablePercent", false)
	}
	return ac
}

func (r *reader) ciiLine(l ciiLine, path string) einvoice.Line {
	ag, st := l.Agreement, l.Settlement
	line := einvoice.Line{
		ID:            r.require(l.LineID, path+"ram:AssociatedDocumentLineDocument/ram:LineID"),
		Note:          strings.TrimSpace(l.Note),
		Quantity:      r.dec(l.Quantity.Value, path+"ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", true),
		UnitCode:      strings.TrimSpace(l.Quantity.Unit),
		NetAmount:     r.dec(st.LineTotal, path+"ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", true),
		OrderLineRef:  strings.TrimSpace(ag.OrderLineRef),
		Name:          strings.TrimSpace(l.Product.Name),
		Description:   strings.TrimSpace(l.Product.Description),
		SellerItemID:  strings.TrimSpace(l.Product.SellerID),
		BuyerItemID:   strings.TrimSpace(l.Product.BuyerID),
		StandardID:    einvoice.Identifier{ID: strings.TrimSpace(l.Product.GlobalID.Value), Scheme: strings.TrimSpace(l.Product.GlobalID.Scheme)},
		OriginCountry: strings.TrimSpace(l.Product.OriginCountry),
		Price:         r.dec(ag.Net.Amount, path+"ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount", true),
		BaseQuantity:  r.dec(ag.Net.BaseQuantity, path+"ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity", false),
		VATCategory:   strings.TrimSpace(st.Tax.CategoryCode),
		VATRate:       r.dec(st.Tax.Rate, path+"ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent", false),
	}
	if g := ag.Gross; g != nil {
		gp := path + "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/"
		line.GrossPrice = r.dec(g.Amount, gp+"ram:ChargeAmount", false)
		for i, a := range g.Allowances { // EN 16931 allows one price discount (BT-147)
			line.PriceDiscount = line.PriceDiscount.Add(r.dec(a.Amount, fmt.Sprintf("%sram:AppliedTradeAllowanceCharge[%d]/ram:ActualAmount", gp, i+1), true))
		}
	}
	if p := st.Period; p != nil {
		sp := path + "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/"
		line.Period[0] = r.date102(p.Start.S.Value, p.Start.S.Format, sp+"ram:StartDateTime/udt:DateTimeString", false)
		line.Period[1] = r.date102(p.End.S.Value, p.End.S.Format, sp+"ram:EndDateTime/udt:DateTimeString", false)
	}
	for i, a := range st.Allowances {
		line.Allowances = append(line.Allowances, r.ciiAllowance(a, fmt.Sprintf("%sram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge[%d]", path, i+1), false))
	}
	return line
}

func (p ciiParty) party() einvoice.Party {
	out := einvoice.Party{
		Name:           strings.TrimSpace(p.Name),
		TradingName:    strings.TrimSpace(p.Legal.TradingName),
		EndpointScheme: strings.TrimSpace(p.Endpoint.Scheme),
		EndpointID:     strings.TrimSpace(p.Endpoint.Value),
		LegalID:        strings.TrimSpace(p.Legal.ID.Value),
		LegalScheme:    strings.TrimSpace(p.Legal.ID.Scheme),
		LegalInfo:      strings.TrimSpace(p.Info),
		Address:        p.Address.address(),
		Contact: einvoice.Contact{Name: strings.TrimSpace(p.Contact.Name), Phone: strings.TrimSpace(p.Contact.Phone),
			Email: strings.TrimSpace(p.Contact.Email)},
	}
	for _, id := range append(p.IDs, p.GlobalIDs...) {
		out.Identifiers = append(out.Identifiers, einvoice.Identifier{ID: strings.TrimSpace(id.Value), Scheme: strings.TrimSpace(id.Scheme)})
	}
	for _, t := range p.TaxRegs { // VA: VAT number (BT-31); FC: tax number (BT-32)
		switch strings.TrimSpace(t.Scheme) {
		case "VA":
			out.VATNumber = strings.TrimSpace(t.Value)
		case "FC":
			out.TaxNumber = strings.TrimSpace(t.Value)
		}
	}
	return out
}

func (a ciiAddress) address() einvoice.Address {
	return einvoice.Address{Street: strings.TrimSpace(a.LineOne), Additional: strings.TrimSpace(a.LineTwo),
		City: strings.TrimSpace(a.City), PostalZone: strings.TrimSpace(a.PostalZone),
		Region: strings.TrimSpace(a.Region), Country: strings.TrimSpace(a.Country)}
}
