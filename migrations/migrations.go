// Package migrations holds the reviewed SQL schema, one folder per dialect,
// embedded in the binary. Both folders describe the same tables, keys and
// laws; each migration is numbered and applied in order by goose.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migrations of one dialect ("postgres" or "sqlite").
func FS(dialect string) fs.FS {
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		panic(err) // the folder names are fixed at build time
	}
	return sub
}
