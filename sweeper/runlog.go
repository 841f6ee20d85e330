package sweeper

import (
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// summaryFields are the counts of a rule's run that its rule.done and
// rule.error lines carry besides rows: what the run did by action, related
// rows included, and its reminders. They make the JSON log enough for
// `sweeper stats` where no Prometheus keeps the metrics. Counts only: no
// row's data.
func summaryFields(rr RuleReport) []zap.Field {
	f := []zap.Field{
		zap.String("action", string(rr.Action)),
		zap.Array("related", relatedCounts(rr.Related)),
		zap.Int("reminders", rr.Reminders),
		zap.Int("reminders_failed", rr.RemindersFailed),
	}
	if d := rr.ThrottledTotal(); d > 0 {
		f = append(f, zap.Int64("throttled_ms", d.Milliseconds()))
	}
	return f
}

// relatedCounts logs as [{"table": ..., "action": ..., "rows": ...}], with
// "name" for a table nested in another or related twice.
type relatedCounts []RelatedCount

func (rcs relatedCounts) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	for _, rc := range rcs {
		if err := enc.AppendObject(rc); err != nil {
			return err
		}
	}
	return nil
}

// MarshalLogObject logs a related table's count as the log's related field
// holds it.
func (rc RelatedCount) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("table", rc.Table)
	if rc.Name != "" {
		enc.AddString("name", rc.Name)
	}
	enc.AddString("action", string(rc.Action))
	enc.AddInt("rows", rc.Rows)
	return nil
}
