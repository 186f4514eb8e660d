package purchases

import "testing"

// TestSniffDocument: the type comes from the first bytes only.
func TestSniffDocument(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"%PDF-1.7\n...", TypePDF},
		{"\x89PNG\r\n\x1a\n\x00\x00", TypePNG},
		{"\xff\xd8\xff\xe0\x00\x10JFIF", TypeJPEG},
		{"PDF-1.7", ""},
		{" %PDF-1.7", ""},
		{"\x89PNG\r\n", ""},
		{"\xff\xd8", ""},
		{"GIF89a", ""},
		{"", ""},
	} {
		if got := SniffDocument([]byte(c.in)); got != c.want {
			t.Errorf("SniffDocument(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
