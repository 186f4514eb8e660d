package purchases

import (
	"bytes"
	"context"
	"time"

	"backoffice/ledger"
)

// MaxDocumentBytes is the largest document the inbox takes (20 MiB).
const MaxDocumentBytes = 20 << 20

// Document types the inbox takes, read from the content.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	// TypeXML is a received e-invoice's XML (UBL or CII), recognised by
	// its root element (invoicing/einvoice/parse.Sniff).
	TypeXML = "application/xml"
)

// Document statuses: in the inbox (nothing made of it yet), supporting a
// draft purchase invoice, or supporting a booked (or reversed) one, after
// which it is kept (art. 52 AWR) and cannot be deleted.
const (
	DocumentInbox  = "inbox"
	DocumentDraft  = "draft"
	DocumentBooked = "booked"
)

// Document is a file (a supplier's PDF, a scan or photo of a receipt) in
// an entity's inbox. Its bytes are read apart (DocumentContent).
type Document struct {
	ID          int64  `json:"id"`
	EntityID    int64  `json:"entity_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Status      string `json:"status"`
	// EInvoice is what the file was recognised as at upload: "ubl", "cii"
	// or "pdf-einvoice" (a PDF with one embedded), "" for none; the inbox
	// shows which uploads can become draft purchase invoices in one call.
	EInvoice  string    `json:"einvoice,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// DocumentInput is an upload: the file's name, its type as read from the
// content (SniffDocument), what e-invoice it is (Document.EInvoice) and
// its bytes.
type DocumentInput struct {
	FileName    string
	ContentType string
	EInvoice    string
	Data        []byte
}

// SniffDocument is the type of a file by its first bytes: a PDF starts
// with "%PDF-", a PNG with its 8-byte signature, a JPEG with the start of
// image marker FF D8 FF. Anything else is "".
func SniffDocument(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	}
	return ""
}

// DocumentExt is the file name extension of a document type.
func DocumentExt(contentType string) string {
	switch contentType {
	case TypePNG:
		return "png"
	case TypeJPEG:
		return "jpg"
	case TypeXML:
		return "xml"
	}
	return "pdf"
}

// DocumentFilter selects documents to list.
type DocumentFilter struct {
	Status string // empty: any
	After  int64  // id cursor
	Limit  int
}

// DocumentStore is what the API needs of the documents' storage.
type DocumentStore interface {
	// UploadDocument: conflict (document_duplicate, with document_id) when
	// the entity has a document with the same SHA-256.
	UploadDocument(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *DocumentInput) (*Document, error)
	Document(ctx context.Context, entityID, id int64) (*Document, error)
	// Documents lists by id after the cursor, at most Limit+1.
	Documents(ctx context.Context, entityID int64, f DocumentFilter) ([]*Document, error)
	// DocumentContent is a document with its bytes.
	DocumentContent(ctx context.Context, entityID, id int64) (*Document, []byte, error)
}
