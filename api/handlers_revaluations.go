package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/revaluation"
)

// revalue revalues the open foreign-currency items on a date: 201 with the
// revaluation posted and recorded; 200 with the computation for a dry run,
// or when every difference is zero (nothing is posted or recorded then:
// "posted": false).
func (s *Server) revalue(c *gin.Context) {
	var in revaluation.Input
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.revaluations.Revalue(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !v.Posted {
		c.JSON(http.StatusOK, v)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/fx-revaluations/%d", entity(c).ID, v.ID))
	c.JSON(http.StatusCreated, v)
}

func (s *Server) listRevaluations(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.revaluations.Revaluations(c.Request.Context(), entity(c).ID, after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(v *revaluation.Revaluation) int64 { return v.ID }))
}

func (s *Server) getRevaluation(c *gin.Context) {
	id, err := idParam(c, "id", "foreign currency revaluation")
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.revaluations.Revaluation(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
