package ledger

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Code classifies an error for the caller. The API maps each code to one
// HTTP status in one table (api/errors.go); nothing else decides statuses.
type Code string

const (
	CodeMalformed    Code = "malformed"    // the request cannot be read (bad JSON, empty body)
	CodeInvalid      Code = "invalid"      // readable but breaks a rule
	CodeNotFound     Code = "not_found"    // no such thing in the caller's scope
	CodeConflict     Code = "conflict"     // the state forbids it (already reversed, key reused)
	CodeUnauthorized Code = "unauthorized" // no valid key
	CodeForbidden    Code = "forbidden"    // the key's role does not allow it
	CodeTooLarge     Code = "too_large"    // body over the limit
	CodeUnsupported  Code = "unsupported"  // wrong content type
	CodeMethod       Code = "method"       // the route exists, the method does not
	CodeThrottled    Code = "throttled"    // too many requests of a kind from one client; retry after a wait
	CodeUnavailable  Code = "unavailable"  // try again later (busy database, shutting down)
	CodeInternal     Code = "internal"     // a bug or an outage; details are logged, never shown
)

// FieldError names one bad field of a request by its JSON path
// (for example "lines[1].debit").
type FieldError struct {
	Path    string `json:"path"`
	Reason  Reason `json:"reason"`
	Message string `json:"message"`
}

// Error is the one error type of the core. Message and Fields are safe to
// show to the caller; Cause is for the logs only.
type Error struct {
	Code    Code
	Reason  Reason // stable slug from the one list in reasons.go, e.g. ReasonEntryUnbalanced
	Message string
	Fields  []FieldError
	// Details are extra facts a client can act on (an order's current
	// status); the API adds them to the problem body as members.
	Details map[string]any
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s (%s): %s: %v", e.Reason, e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s (%s): %s", e.Reason, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf builds an Error with a formatted message.
func Errorf(code Code, reason Reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected error; the caller sees only "internal error".
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Reason: ReasonInternal, Message: "internal error", Cause: cause}
}

// Unreachable is the answer while the database cannot be reached: 503 with
// Retry-After, never 500, so that clients retry rather than report a bug.
// An error that already says so is kept; otherwise cause (the driver's
// error) is kept for the log.
func Unreachable(cause error) *Error {
	var e *Error
	if errors.As(cause, &e) && e.Reason == ReasonDatabaseUnreachable {
		return e
	}
	return &Error{Code: CodeUnavailable, Reason: ReasonDatabaseUnreachable,
		Message: "the database cannot be reached; retry shortly", Cause: cause}
}

// NotFound is the answer for anything outside the caller's scope as well as
// for what does not exist, so that a key cannot probe other entities.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Reason: ReasonNotFound, Message: what + " not found"}
}

// As returns the *Error inside err, or wraps err as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Problems collects field errors during validation so that one response can
// name every bad field at once.
type Problems []FieldError

// Add records a bad field.
func (p *Problems) Add(path string, reason Reason, format string, args ...any) {
	*p = append(*p, FieldError{Path: path, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was recorded, or an invalid Error whose reason
// is the first problem's reason (stable for single-field mistakes) and whose
// Fields list every problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msg := p[0].Message
	if p[0].Path != "" {
		msg = p[0].Path + ": " + msg
	}
	if len(p) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(p)-1)
	}
	return &Error{Code: CodeInvalid, Reason: p[0].Reason, Message: msg, Fields: p}
}

// Text checks an optional text field of an input (nil: not sent) and
// copies it, trimmed, into dst. A required field must be sent when
// creating and never be empty.
func (p *Problems) Text(path string, v *string, dst *string, max int, required, creating bool) {
	if v == nil {
		if creating && required {
			p.Add(path, ReasonFieldRequired, "%s is required", path)
		}
		return
	}
	s := strings.TrimSpace(*v)
	switch {
	case required && s == "":
		p.Add(path, ReasonFieldRequired, "%s must not be empty", path)
	case utf8.RuneCountInString(s) > max:
		p.Add(path, ReasonFieldTooLong, "%s is longer than %d characters", path, max)
	default:
		*dst = s
	}
}
