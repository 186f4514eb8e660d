// Package vies asks the EU's VIES service whether a VAT number is valid,
// through its REST API (POST {base}/check-vat-number). The service's
// address is a setting (serve --vies-url, BACKOFFICE_VIES_URL); tests run
// a local fake (Fake).
//
// The request is {"countryCode": "DE", "vatNumber": "136695976"}, and with
// the requester's own number ("requesterMemberStateCode",
// "requesterNumber") VIES returns a consultation number
// ("requestIdentifier") that proves the check was made. The answer holds
// "valid", "name", "address" and "requestDate"; a member state's service
// that is down answers with "actionSucceed": false and an error such as
// MS_UNAVAILABLE, SERVICE_UNAVAILABLE, TIMEOUT or MS_MAX_CONCURRENT_REQ.
package vies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"backoffice/invoicing"
)

// DefaultURL is the EU's VIES REST API.
const DefaultURL = "https://ec.europa.eu/taxation_customs/vies/rest-api"

// DefaultTimeout bounds one check.
const DefaultTimeout = 10 * time.Second

// Client checks numbers with a VIES service at BaseURL.
type Client struct {
	BaseURL string
	HTTP    *http.Client
	Timeout time.Duration
	Now     func() time.Time
}

// New is a client of the service at base ("" : DefaultURL).
func New(base string) *Client {
	if base == "" {
		base = DefaultURL
	}
	return &Client{BaseURL: strings.TrimRight(base, "/"), HTTP: &http.Client{}, Timeout: DefaultTimeout, Now: time.Now}
}

type request struct {
	CountryCode              string `json:"countryCode"`
	VATNumber                string `json:"vatNumber"`
	RequesterMemberStateCode string `json:"requesterMemberStateCode,omitempty"`
	RequesterNumber          string `json:"requesterNumber,omitempty"`
}

type response struct {
	CountryCode       string `json:"countryCode"`
	VATNumber         string `json:"vatNumber"`
	Valid             *bool  `json:"valid"`
	Name              string `json:"name"`
	Address           string `json:"address"`
	RequestIdentifier string `json:"requestIdentifier"`
	ActionSucceed     *bool  `json:"actionSucceed"`
	ErrorWrappers     []struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	} `json:"errorWrappers"`
}

// Check asks VIES about number (normalised, with its prefix: "DE136695976"),
// as the requester (the entity's own VAT number, "" for none). An error is
// invoicing.ErrVIESUnavailable wrapped with what went wrong.
func (c *Client) Check(ctx context.Context, number, requester string) (*invoicing.VIESCheck, error) {
	if len(number) < 3 {
		return nil, fmt.Errorf("%w: %q is not a VAT number", invoicing.ErrVIESUnavailable, number)
	}
	req := request{CountryCode: number[:2], VATNumber: number[2:]}
	if len(requester) > 2 {
		req.RequesterMemberStateCode, req.RequesterNumber = requester[:2], requester[2:]
	}
	body, _ := json.Marshal(req)
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/check-vat-number", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", invoicing.ErrVIESUnavailable, err)
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	res, err := c.HTTP.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", invoicing.ErrVIESUnavailable, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", invoicing.ErrVIESUnavailable, err)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: HTTP %d, not a VIES answer", invoicing.ErrVIESUnavailable, res.StatusCode)
	}
	if len(r.ErrorWrappers) > 0 || (r.ActionSucceed != nil && !*r.ActionSucceed) || r.Valid == nil || res.StatusCode != http.StatusOK {
		what := fmt.Sprintf("HTTP %d", res.StatusCode)
		if len(r.ErrorWrappers) > 0 {
			what = r.ErrorWrappers[0].Error
		}
		return nil, fmt.Errorf("%w: %s", invoicing.ErrVIESUnavailable, what)
	}
	clean := func(s string) string {
		if strings.TrimSpace(s) == "---" {
			return ""
		}
		return strings.TrimSpace(s)
	}
	return &invoicing.VIESCheck{CountryCode: req.CountryCode, VATNumber: number, Valid: *r.Valid, Name: clean(r.Name),
		Address: clean(r.Address), RequestIdentifier: r.RequestIdentifier, CheckedAt: c.Now().UTC().Truncate(time.Second)}, nil
}

var _ invoicing.VIESChecker = (*Client)(nil)

// ErrUnavailable is invoicing.ErrVIESUnavailable.
var ErrUnavailable = invoicing.ErrVIESUnavailable

// IsUnavailable reports a check that could not be made.
func IsUnavailable(err error) bool { return errors.Is(err, invoicing.ErrVIESUnavailable) }
