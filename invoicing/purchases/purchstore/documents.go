package purchstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// documentColumns are a document's metadata: lists and reads by id never
// select the content.
const documentColumns = `id, entity_id, file_name, content_type, size, sha256, status, einvoice, created_by, created_at`

type documentRow struct {
	ID          int64
	EntityID    int64
	FileName    string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	Status      string
	EInvoice    string `gorm:"column:einvoice"`
	CreatedBy   int64
	CreatedAt   time.Time
	Content     []byte // only DocumentContent selects it
}

func (r *documentRow) document() *purchases.Document {
	return &purchases.Document{ID: r.ID, EntityID: r.EntityID, FileName: r.FileName, ContentType: r.ContentType, Size: r.Size,
		SHA256: r.SHA256, Status: r.Status, EInvoice: r.EInvoice, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// duplicateDocument refuses a file the entity has, saying where it is:
// "already booked as PI-2026-0042" when a purchase invoice rests on it.
func duplicateDocument(tx *sqlstore.Tx, entityID, id int64) error {
	e := &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonDocumentDuplicate,
		Message: "this file is already in the entity's documents"}
	if id == 0 {
		return e
	}
	e.Details = map[string]any{"document_id": id}
	e.Message += " (document " + strconv.FormatInt(id, 10) + ")"
	var links []struct {
		ID     int64
		Number *string
	}
	if tx != nil && tx.DB().Raw(`SELECT p.id, p.number FROM purchase_invoice_documents d JOIN purchase_invoices p
		ON p.entity_id = d.entity_id AND p.id = d.purchase_invoice_id WHERE d.entity_id = ? AND d.document_id = ?
		ORDER BY p.status = 'reversed', p.id DESC`, entityID, id).Scan(&links).Error == nil && len(links) > 0 {
		e.Details["purchase_invoice_id"] = links[0].ID
		if links[0].Number != nil {
			e.Message = "this file is already booked as " + *links[0].Number + " (document " + strconv.FormatInt(id, 10) + ")"
		} else {
			e.Message = "this file is already entered on draft purchase invoice " + strconv.FormatInt(links[0].ID, 10) + " (document " + strconv.FormatInt(id, 10) + ")"
		}
	}
	return e
}

// UploadDocument puts a file into the entity's inbox, once: a file with the
// same SHA-256 is refused, naming the document that has it (the unique key
// is the backstop for two uploads at once, without the id).
func (s *Store) UploadDocument(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.DocumentInput) (*purchases.Document, error) {
	sum := sha256.Sum256(in.Data)
	hash := hex.EncodeToString(sum[:])
	var out *purchases.Document
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		var ids []int64
		if err := tx.DB().Raw(`SELECT id FROM documents WHERE entity_id = ? AND sha256 = ?`, ent.ID, hash).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) > 0 {
			return duplicateDocument(tx, ent.ID, ids[0])
		}
		d := &purchases.Document{EntityID: ent.ID, FileName: in.FileName, ContentType: in.ContentType, Size: int64(len(in.Data)),
			SHA256: hash, Status: purchases.DocumentInbox, EInvoice: in.EInvoice, CreatedBy: p.ActorID, CreatedAt: tx.Now}
		err := tx.DB().Raw(`INSERT INTO documents (entity_id, file_name, content_type, size, sha256, status, einvoice, content, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, d.FileName, d.ContentType, d.Size, d.SHA256, d.Status, d.EInvoice, in.Data, d.CreatedBy, d.CreatedAt).Scan(&d.ID).Error
		if err != nil {
			if sqlstore.IsDuplicate(sqlstore.Translate(err), "sha256") {
				return duplicateDocument(tx, ent.ID, 0)
			}
			return err
		}
		out = d
		return tx.Audit(ent.ID, &p.ActorID, "document.uploaded", d.FileName, map[string]any{"id": d.ID, "file_name": d.FileName,
			"content_type": d.ContentType, "size": d.Size, "sha256": d.SHA256})
	})
	if err != nil {
		if sqlstore.IsDuplicate(sqlstore.Translate(err), "sha256") {
			return nil, duplicateDocument(nil, ent.ID, 0)
		}
		return nil, err
	}
	return out, nil
}

// Document returns one document of the entity, without its bytes.
func (s *Store) Document(ctx context.Context, entityID, id int64) (*purchases.Document, error) {
	var r documentRow
	err := s.l.Query(ctx).DB().Raw(`SELECT `+documentColumns+` FROM documents WHERE entity_id = ? AND id = ?`, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("document")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.document(), nil
}

// Documents lists documents by id after a cursor, at most Limit+1.
func (s *Store) Documents(ctx context.Context, entityID int64, f purchases.DocumentFilter) ([]*purchases.Document, error) {
	q := `SELECT ` + documentColumns + ` FROM documents WHERE entity_id = ? AND id > ?`
	args := []any{entityID, f.After}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []documentRow
	if err := s.l.Query(ctx).DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.Document, len(rows))
	for i := range rows {
		out[i] = rows[i].document()
	}
	return out, nil
}

// DocumentContent returns a document with its bytes.
func (s *Store) DocumentContent(ctx context.Context, entityID, id int64) (*purchases.Document, []byte, error) {
	var r documentRow
	err := s.l.Query(ctx).DB().Raw(`SELECT `+documentColumns+`, content FROM documents WHERE entity_id = ? AND id = ?`, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ledger.NotFound("document")
	}
	if err != nil {
		return nil, nil, sqlstore.Translate(err)
	}
	return r.document(), r.Content, nil
}
