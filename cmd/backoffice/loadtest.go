package main

import (
	"context"
	"fmt"
	"io"
)

func loadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return fmt.Errorf("loadtest: not built yet")
}
