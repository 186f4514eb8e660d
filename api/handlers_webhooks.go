package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/api/cursor"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
)

// Webhooks: the entity's events (the outbox), the endpoints they are
// delivered to, and each endpoint's delivery log. The background worker
// (invoicing/webhooks/dispatch) does the delivering.

// listEvents pages the entity's events by sequence, oldest first. Its
// next_cursor is always set, on an empty page too: it is the position to
// resume from (after the last event on the page, or where the page was
// asked from), so a poller that keeps it never misses an event. ?after= (a
// sequence number) is the deprecated spelling of the cursor from before
// lists had one shape; it is still accepted.
func (s *Server) listEvents(c *gin.Context) {
	limit, err := limitParam(c, maxLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	after, found, err := cursorParam(c, cursor.Event)
	if err != nil {
		s.fail(c, err)
		return
	}
	switch v := c.Query("after"); {
	case found && v != "":
		s.fail(c, invalidParam("after", ledger.ReasonParameterInvalid, "after is the deprecated spelling of cursor: give one of them"))
		return
	case v != "":
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			s.fail(c, invalidParam("after", ledger.ReasonParameterInvalid, "after is an event sequence number (0 or more)"))
			return
		}
	}
	list, err := s.hooks.Events(c.Request.Context(), entity(c).ID, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := page[*webhooks.Event]{Data: list}
	if len(list) > limit {
		out.Data, out.HasMore = list[:limit], true
	}
	if n := len(out.Data); n > 0 {
		after = out.Data[n-1].Sequence
	}
	out.NextCursor = cursor.Event.Encode(after)
	c.JSON(http.StatusOK, out)
}

func (s *Server) listEndpoints(c *gin.Context) {
	list, err := s.hooks.Endpoints(c.Request.Context(), entity(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*webhooks.Endpoint]{Data: list})
}

// createEndpoint answers with the endpoint and its secret: the only answer
// that shows it.
func (s *Server) createEndpoint(c *gin.Context) {
	var in webhooks.EndpointInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ep, err := s.hooks.CreateEndpoint(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/webhook-endpoints/%d", ep.EntityID, ep.ID))
	// The secret is shown once: an idempotent replay of this answer gets
	// the endpoint without it (GET never shows it either).
	redacted := *ep
	redacted.Secret = ""
	if b, err := marshalJSON(&redacted); err == nil {
		c.Set(ctxIdemBody, b)
	}
	c.JSON(http.StatusCreated, ep)
}

func (s *Server) getEndpoint(c *gin.Context) {
	id, err := idParam(c, "endpoint", "webhook endpoint")
	if err != nil {
		s.fail(c, err)
		return
	}
	ep, err := s.hooks.Endpoint(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, ep, err)
}

func (s *Server) updateEndpoint(c *gin.Context) {
	id, err := idParam(c, "endpoint", "webhook endpoint")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in webhooks.EndpointInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ep, err := s.hooks.UpdateEndpoint(c.Request.Context(), principal(c), entity(c), id, &in)
	s.respond(c, http.StatusOK, ep, err)
}

func (s *Server) deleteEndpoint(c *gin.Context) {
	id, err := idParam(c, "endpoint", "webhook endpoint")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.hooks.DeleteEndpoint(c.Request.Context(), principal(c), entity(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listDeliveries(c *gin.Context) {
	id, err := idParam(c, "endpoint", "webhook endpoint")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.hooks.Deliveries(c.Request.Context(), entity(c).ID, id, webhooks.DeliveryFilter{Status: c.Query("status"), After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(d *webhooks.Delivery) int64 { return d.ID }))
}

// deliveryParams reads :endpoint and :delivery.
func deliveryParams(c *gin.Context) (endpoint, delivery int64, err error) {
	if endpoint, err = idParam(c, "endpoint", "webhook endpoint"); err != nil {
		return 0, 0, err
	}
	delivery, err = idParam(c, "delivery", "webhook delivery")
	return endpoint, delivery, err
}

func (s *Server) getDelivery(c *gin.Context) {
	ep, id, err := deliveryParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.hooks.Delivery(c.Request.Context(), entity(c).ID, ep, id)
	s.respond(c, http.StatusOK, d, err)
}

// redeliver queues the delivery again: 202, because the worker sends it
// shortly; the delivery's log shows how that went.
func (s *Server) redeliver(c *gin.Context) {
	ep, id, err := deliveryParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.hooks.Redeliver(c.Request.Context(), principal(c), entity(c), ep, id)
	s.respond(c, http.StatusAccepted, d, err)
}
